#!/usr/bin/env python3
"""tests/support/net-client.py against small local echo servers (threads), good and broken,
and once through sel4-qemu-run with a fake emulator that serves on the forwarded port.

  net_client_test.py NET_CLIENT [SEL4_QEMU_RUN] [unittest options]
"""

import importlib.util
import os
import re
import socket
import socketserver
import subprocess
import sys
import threading
import time
import unittest

NET_CLIENT = None
RUNNER = None
PYTHON = sys.executable


def load_client_module():
    spec = importlib.util.spec_from_file_location("net_client", NET_CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TcpServer:
    """A threaded TCP server on 127.0.0.1 whose handler misbehaves as asked:
    echo, corrupt (one byte changed at stream offset 1000), short (closes after 100 bytes),
    silent (reads, never answers), extra (echoes, then adds bytes), reset (closes with RST)."""

    def __init__(self, mode="echo"):
        outer = self
        self.connections = 0
        self.lock = threading.Lock()

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                with outer.lock:
                    outer.connections += 1
                sock = self.request
                offset = 0
                try:
                    while True:
                        data = sock.recv(65536)
                        if not data:
                            if mode == "silent":
                                time.sleep(30)  # keeps the connection open, without a word
                            break
                        if mode == "silent":
                            continue
                        if mode == "short" and offset + len(data) > 100:
                            sock.sendall(data[:100 - offset])
                            return
                        if mode == "reset" and offset + len(data) > 100:
                            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
                            return
                        if mode == "corrupt" and offset <= 1000 < offset + len(data):
                            data = bytearray(data)
                            data[1000 - offset] ^= 0x40
                        sock.sendall(data)
                        offset += len(data)
                    if mode == "extra":
                        sock.sendall(b"more")
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 64

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class UdpServer:
    """A UDP echo server on 127.0.0.1: echo, lossy (drops each datagram the first time it
    comes), duplicate (answers each datagram twice), corrupt (changes the last byte)."""

    def __init__(self, mode="echo"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.seen = set()
        self.mode = mode
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(0.1)
        while self.running:
            try:
                data, peer = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if self.mode == "lossy" and data not in self.seen:
                self.seen.add(data)
                continue
            if self.mode == "corrupt":
                data = data[:-1] + bytes([data[-1] ^ 1])
            self.sock.sendto(data, peer)
            if self.mode == "duplicate":
                self.sock.sendto(data, peer)

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


def client(*args, env=None, timeout=120):
    full_env = dict(os.environ)
    for name in list(full_env):
        if name.startswith("SEL4_"):
            del full_env[name]
    full_env.update(env or {})
    start = time.monotonic()
    result = subprocess.run([PYTHON, NET_CLIENT, *args], capture_output=True, text=True, env=full_env,
                            timeout=timeout)
    result.elapsed = time.monotonic() - start
    return result


class Helpers(unittest.TestCase):
    def test_patterns_are_deterministic_and_differ_per_connection(self):
        module = load_client_module()
        self.assertEqual(module.pattern("tcp-echo/0", 1000), module.pattern("tcp-echo/0", 1000))
        self.assertNotEqual(module.pattern("tcp-echo/0", 1000), module.pattern("tcp-echo/1", 1000))
        self.assertEqual(module.split(10, 3), [4, 3, 3])
        self.assertEqual(sum(module.split(10 << 20, 16)), 10 << 20)


class TcpEcho(unittest.TestCase):
    def setUp(self):
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.close()

    def server(self, mode="echo"):
        server = TcpServer(mode)
        self.servers.append(server)
        return server

    def test_echo_over_concurrent_connections(self):
        server = self.server()
        r = client("tcp-echo", "--port", str(server.port), "--bytes", str(10 << 20), "--connections", "16")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^tcp-echo: 10485760 bytes over 16 connections in [0-9.]+ s: [0-9.]+ MB/s\n$")
        self.assertEqual(r.stderr, "")
        self.assertEqual(server.connections, 16)

    def test_defaults_from_the_environment_and_summary_on_stderr(self):
        server = self.server()
        r = client("tcp-echo", "--bytes", "1000", "--summary-stderr",
                   env={"SEL4_HOST": "127.0.0.1", "SEL4_PORT_TCP_1234": str(server.port)})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertRegex(r.stderr, r"^tcp-echo: 1000 bytes over 1 connections in ")
        # --guest-port picks another forward's variable.
        r = client("tcp-echo", "--bytes", "1000", "--guest-port", "80", env={"SEL4_PORT_TCP_80": str(server.port)})
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_corrupted_echo_fails(self):
        server = self.server("corrupt")
        r = client("tcp-echo", "--port", str(server.port), "--bytes", "40000", "--connections", "4")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertIn("the echo differs at byte 1000", r.stderr)
        self.assertEqual(r.stderr.count("\n"), 4, r.stderr)  # one line per connection

    def test_short_echo_fails(self):
        server = self.server("short")
        r = client("tcp-echo", "--port", str(server.port), "--bytes", "5000")
        self.assertEqual(r.returncode, 1)
        self.assertIn("the echo ended after 100 of 5000 bytes", r.stderr)

    def test_reset_fails(self):
        server = self.server("reset")
        r = client("tcp-echo", "--port", str(server.port), "--bytes", "100000")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"connection reset|the echo ended")

    def test_extra_bytes_fail(self):
        server = self.server("extra")
        r = client("tcp-echo", "--port", str(server.port), "--bytes", "5000")
        self.assertEqual(r.returncode, 1)
        self.assertIn("4 bytes more came back than were sent", r.stderr)

    def test_silent_server_times_out(self):
        server = self.server("silent")
        r = client("tcp-echo", "--port", str(server.port), "--bytes", "5000", "--connections", "2", "--timeout", "1.5")
        self.assertEqual(r.returncode, 1)
        self.assertIn("timed out", r.stderr)
        self.assertLess(r.elapsed, 10)

    def test_refused_connection_fails(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        r = client("tcp-echo", "--port", str(port), "--bytes", "10")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"cannot connect to 127.0.0.1:{port}: connection refused", r.stderr)


class UdpEcho(unittest.TestCase):
    def run_against(self, mode, *args):
        server = UdpServer(mode)
        try:
            return client("udp-echo", "--port", str(server.port), *args)
        finally:
            server.close()

    def test_echo(self):
        r = self.run_against("echo", "--count", "200", "--size", "1472")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^udp-echo: 200 datagrams of 1472 bytes echoed in [0-9.]+ s \(0 sent again\)\n$")

    def test_losses_are_sent_again(self):
        r = self.run_against("lossy", "--count", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(5 sent again)", r.stdout)

    def test_duplicates_are_skipped(self):
        r = self.run_against("duplicate", "--count", "50")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_corrupted_echo_fails(self):
        r = self.run_against("corrupt", "--count", "5", "--size", "100")
        self.assertEqual(r.returncode, 1)
        self.assertIn("datagram 0: the echo differs at byte 99", r.stderr)

    def test_no_server_fails_in_bounded_time(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        r = client("udp-echo", "--port", str(port), "--count", "3",
                   env={"SEL4_PORT_UDP_1235": "1"})  # --port wins over the environment
        self.assertEqual(r.returncode, 1)
        self.assertIn("datagram 0: no echo after 8 sends", r.stderr)
        self.assertLess(r.elapsed, 10)

    def test_defaults_from_the_environment(self):
        server = UdpServer()
        try:
            r = client("udp-echo", "--count", "3", env={"SEL4_PORT_UDP_1235": str(server.port)})
        finally:
            server.close()
        self.assertEqual(r.returncode, 0, r.stderr)


class TcpRate(unittest.TestCase):
    def test_rate(self):
        server = TcpServer()
        try:
            r = client("tcp-rate", "--port", str(server.port), "--seconds", "1", "--connections", "4")
        finally:
            server.close()
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.fullmatch(r"tcp-rate: (\d+) connections in ([0-9.]+) s: ([0-9.]+) per second\n", r.stdout)
        self.assertTrue(m, r.stdout)
        self.assertGreater(int(m.group(1)), 4)
        self.assertEqual(server.connections, int(m.group(1)))
        self.assertLess(r.elapsed, 10)

    def test_short_echo_fails(self):
        server = TcpServer("silent")
        try:
            r = client("tcp-rate", "--port", str(server.port), "--seconds", "0.5", "--timeout", "1")
        finally:
            server.close()
        self.assertEqual(r.returncode, 1)
        self.assertIn("timed out", r.stderr)


class Usage(unittest.TestCase):
    def usage_error(self, *args, env=None):
        r = client(*args, env=env)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stdout, "")
        return r.stderr.strip().splitlines()[-1]

    def test_errors(self):
        self.assertEqual(self.usage_error("tcp-echo", "--bytes", "10"),
                         "net-client.py: error: tcp-echo: no --port and no SEL4_PORT_TCP_1234 in the environment")
        self.assertIn("--bytes must be 1 to", self.usage_error("tcp-echo", "--port", "1", "--bytes", "0"))
        self.assertIn("--connections must be 1 to 256",
                      self.usage_error("tcp-echo", "--port", "1", "--bytes", "10", "--connections", "1000"))
        self.assertIn("--bytes (2) must be at least --connections (3)",
                      self.usage_error("tcp-echo", "--port", "1", "--bytes", "2", "--connections", "3"))
        self.assertIn("the port must be 1 to 65535", self.usage_error("udp-echo", "--port", "70000", "--count", "1"))
        self.assertIn("--size must be 8 to 1472",
                      self.usage_error("udp-echo", "--port", "1", "--count", "1", "--size", "4"))
        self.assertIn("seconds must be more than 0", self.usage_error("tcp-rate", "--port", "1", "--seconds", "0"))
        self.assertIn("not a number: 'x'", self.usage_error("tcp-rate", "--seconds", "1", env={"SEL4_PORT_TCP_1234": "x"}))
        self.assertIn("invalid choice", self.usage_error("tcp-frobnicate"))


# The fake emulator: serves TCP echo on the host port of its hostfwd argument (as QEMU's user
# network would forward it to the guest), prints the ready line and, once the client has had
# its connections, the success line.
FAKE_EMULATOR = r"""
import re, socket, sys, threading
mode = sys.argv[2]
port = int(re.search(r"hostfwd=tcp:127\.0\.0\.1:(\d+)-:1234", sys.argv[1]).group(1))
listener = socket.create_server(("127.0.0.1", port))
print("echo-server: listening on 1234", flush=True)
def serve(sock):
    offset = 0
    while data := sock.recv(65536):
        if mode == "corrupt" and offset <= 5 < offset + len(data):
            data = data[:5 - offset] + b"?" + data[6 - offset:]
        sock.sendall(data)
        offset += len(data)
    sock.close()
threads = []
for _ in range(4):
    sock, _ = listener.accept()
    threads.append(threading.Thread(target=serve, args=(sock,)))
    threads[-1].start()
for thread in threads:
    thread.join()
print("cpp-sel4: test passed", flush=True)
threading.Event().wait(60)
"""


class ThroughTheRunner(unittest.TestCase):
    def setUp(self):
        if not RUNNER:
            self.skipTest("no sel4-qemu-run given")

    def run_runner(self, mode):
        command = [RUNNER, "--timeout", "30", "--forward", "tcp:1234", "--ready", "echo-server: listening",
                   "--client", f"'{PYTHON}' '{NET_CLIENT}' tcp-echo --bytes 100000 --connections 4 --summary-stderr",
                   "--", PYTHON, "-c", FAKE_EMULATOR, "user,id=net0@HOSTFWD@", mode]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    def test_passes_with_the_clients_summary(self):
        r = self.run_runner("echo")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"\nclient\| tcp-echo: 100000 bytes over 4 connections in [0-9.]+ s: [0-9.]+ MB/s\n")
        self.assertRegex(r.stdout, r"sel4-qemu-run: PASS after [0-9.]+ s: passed: cpp-sel4: test passed\n$")

    def test_fails_on_the_clients_failure(self):
        r = self.run_runner("corrupt")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("client| net-client.py: tcp-echo: connection", r.stdout)
        self.assertIn("the echo differs at byte 5", r.stdout)
        self.assertRegex(r.stdout, r"sel4-qemu-run: FAIL after [0-9.]+ s: client failed: client exited with status 1")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    NET_CLIENT = os.path.abspath(sys.argv[1])
    if not os.path.isfile(NET_CLIENT):
        sys.exit(f"net_client_test.py: no such file: {NET_CLIENT}")
    rest = sys.argv[2:]
    if rest and not rest[0].startswith("-"):
        RUNNER = os.path.abspath(rest.pop(0))
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
