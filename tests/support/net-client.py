#!/usr/bin/env python3
"""Host-side network clients for the on-target network tests and bench/net.sh.

Runs against a guest's echo service through QEMU's user network forwards (sel4-qemu-run
--forward, which puts SEL4_HOST and SEL4_PORT_TCP_<guest> / SEL4_PORT_UDP_<guest> in the
client's environment). Python's standard library only.

  net-client.py tcp-echo [--host H] [--port P] --bytes N --connections C [--timeout S]
      C concurrent connections, together N bytes of a pseudo-random pattern (its own per
      connection), each connection reading its echo while it sends; the echo must be
      byte-identical. Prints "tcp-echo: N bytes over C connections in T s: X MB/s".
  net-client.py udp-echo [--host H] [--port P] --count N [--size B] [--timeout S]
      N datagrams of B bytes one after another, each sent again when its echo does not come
      (a bounded number of times); each echo must be the datagram sent.
  net-client.py tcp-rate [--host H] [--port P] --seconds S [--connections C] [--timeout S]
      Connections one after another (C at a time) for S seconds, each sending 16 bytes and
      checking their echo. Prints "tcp-rate: K connections in T s: R per second".

The summary line goes to standard output, or with --summary-stderr to standard error: as a
client of sel4-qemu-run, whose standard output is the guest's serial input, that shows it in
the runner's output (as a "client| " line).

Without --host / --port: SEL4_HOST (else 127.0.0.1) and SEL4_PORT_TCP_1234 (tcp-echo,
tcp-rate) / SEL4_PORT_UDP_1235 (udp-echo); --guest-port G reads SEL4_PORT_<TCP|UDP>_G instead.
Every subcommand has a hard overall timeout. Exit status: 0 success, 1 failure (a message on
standard error), 2 usage error.
"""

import argparse
import os
import random
import socket
import struct
import sys
import threading
import time

PROGRAM = "net-client.py"

# Bounds of the counts, so that no command line makes an endless or huge run.
MAX_BYTES = 1 << 30
MAX_CONNECTIONS = 256
MAX_DATAGRAMS = 100_000
MAX_DATAGRAM_SIZE = 1472  # one Ethernet frame: no IP fragmentation
MIN_DATAGRAM_SIZE = 8
MAX_SECONDS = 3600.0
UDP_TRIES = 8  # sends of one datagram before it counts as lost
UDP_WAIT = 0.5  # seconds to wait for one echo
CHUNK = 64 * 1024


class Failure(Exception):
    """A check that failed: the message is reported and the exit status is 1."""


def pattern(seed, size):
    """The deterministic pseudo-random bytes of one connection (or datagram)."""
    return random.Random(seed).randbytes(size)


def split(total, parts):
    """total bytes in parts shares that differ by at most one byte."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def first_difference(expected, got):
    for i, (a, b) in enumerate(zip(expected, got)):
        if a != b:
            return i
    return min(len(expected), len(got))


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return self.end - time.monotonic()

    def socket_timeout(self, at_most=None):
        """The time a socket operation may take now; Failure once the time is over."""
        left = self.left()
        if left <= 0:
            raise Failure("timed out")
        return left if at_most is None else min(left, at_most)


def describe(error):
    if isinstance(error, socket.timeout):
        return "timed out"
    if isinstance(error, ConnectionResetError):
        return "connection reset by the peer"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__


def summary(args, line):
    print(line, file=sys.stderr if args.summary_stderr else sys.stdout, flush=True)


def connect(host, port, deadline):
    try:
        return socket.create_connection((host, port), timeout=deadline.socket_timeout())
    except OSError as error:
        raise Failure(f"cannot connect to {host}:{port}: {describe(error)}") from None


def run_threads(name, count, work, deadline):
    """Runs work(i) for i in range(count) in threads; returns the failures' messages.
    A thread still running at the deadline is a failure (the process then ends at once)."""
    failures = [None] * count

    def body(i):
        try:
            work(i)
        except Failure as failure:
            failures[i] = str(failure)
        except OSError as error:
            failures[i] = describe(error)

    threads = [threading.Thread(target=body, args=(i,), daemon=True, name=f"{name}-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(deadline.left(), 0) + 0.5)
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        messages = [f for f in failures if f]
        for message in messages[:8]:
            print(f"{PROGRAM}: {name}: {message}", file=sys.stderr)
        print(f"{PROGRAM}: {name}: timed out: {stuck} of {count} connections had not finished", file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)  # the stuck threads are not waited for
    return [(i, f) for i, f in enumerate(failures) if f]


def tcp_echo(args):
    deadline = Deadline(args.timeout)
    shares = split(args.bytes, args.connections)
    start = time.monotonic()
    finished = [0.0] * args.connections

    def connection(i):
        data = pattern(f"tcp-echo/{i}", shares[i])
        sock = connect(args.host, args.port, deadline)
        send_error = []

        def send():
            try:
                view = memoryview(data)
                for offset in range(0, len(data), CHUNK):
                    sock.settimeout(deadline.socket_timeout())
                    sock.sendall(view[offset:offset + CHUNK])
                sock.shutdown(socket.SHUT_WR)
            except (OSError, Failure) as error:
                send_error.append(f"sending: {describe(error)}")

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        received = 0
        try:
            while received < len(data):
                sock.settimeout(deadline.socket_timeout())
                try:
                    chunk = sock.recv(min(CHUNK, len(data) - received))
                except OSError as error:
                    raise Failure(f"after {received} of {len(data)} bytes echoed: {describe(error)}") from None
                if not chunk:
                    raise Failure(f"the echo ended after {received} of {len(data)} bytes")
                expected = data[received:received + len(chunk)]
                if chunk != expected:
                    at = received + first_difference(expected, chunk)
                    raise Failure(f"the echo differs at byte {at}: sent 0x{data[at]:02x}, got 0x{chunk[at - received]:02x}")
                received += len(chunk)
            finished[i] = time.monotonic()
            sender.join(max(deadline.left(), 0))
            if send_error:
                raise Failure(send_error[0])
            # The peer may close now that it has all; more bytes are an error, its staying open is not.
            try:
                sock.settimeout(deadline.socket_timeout(1.0))
                extra = sock.recv(CHUNK)
                if extra:
                    raise Failure(f"{len(extra)} bytes more came back than were sent")
            except (socket.timeout, ConnectionResetError):
                pass
        finally:
            sock.close()
        if send_error:
            raise Failure(send_error[0])

    failures = run_threads("tcp-echo", args.connections, connection, deadline)
    if failures:
        for i, message in failures:
            print(f"{PROGRAM}: tcp-echo: connection {i} ({shares[i]} bytes): {message}", file=sys.stderr)
        return 1
    seconds = max(finished) - start
    rate = args.bytes / seconds / 1e6 if seconds > 0 else float("inf")
    summary(args, f"tcp-echo: {args.bytes} bytes over {args.connections} connections in {seconds:.3f} s: {rate:.2f} MB/s")
    return 0


def udp_echo(args):
    deadline = Deadline(args.timeout)
    family = socket.getaddrinfo(args.host, args.port, type=socket.SOCK_DGRAM)[0]
    sock = socket.socket(family[0], socket.SOCK_DGRAM)
    start = time.monotonic()
    resent = 0
    try:
        sock.connect(family[4])
        for number in range(args.count):
            datagram = struct.pack(">4sI", b"s4ue", number) + pattern(f"udp-echo/{number}", args.size - 8)
            for attempt in range(UDP_TRIES):
                if attempt:
                    resent += 1
                try:
                    sock.send(datagram)
                except ConnectionRefusedError:
                    pass  # an ICMP error of an earlier send: count it as a loss
                if receive_echo(sock, datagram, number, deadline):
                    break
            else:
                raise Failure(f"datagram {number}: no echo after {UDP_TRIES} sends")
    except OSError as error:
        raise Failure(describe(error)) from None
    finally:
        sock.close()
    seconds = time.monotonic() - start
    summary(args, f"udp-echo: {args.count} datagrams of {args.size} bytes echoed in {seconds:.3f} s ({resent} sent again)")
    return 0


def receive_echo(sock, datagram, number, deadline):
    """Waits for the echo of datagram `number`; False when it does not come in time. A late
    echo of an earlier datagram is skipped; anything else is a Failure."""
    wait = Deadline(min(UDP_WAIT, max(deadline.left(), 0)))
    while True:
        if deadline.left() <= 0:
            raise Failure(f"timed out waiting for the echo of datagram {number}")
        if wait.left() <= 0:
            return False
        sock.settimeout(wait.left())
        try:
            echo = sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionRefusedError:
            return False
        if echo == datagram:
            return True
        if len(echo) >= 8 and echo[:4] == b"s4ue":
            (seen,) = struct.unpack(">I", echo[4:8])
            if seen < number and echo == struct.pack(">4sI", b"s4ue", seen) + pattern(f"udp-echo/{seen}", len(echo) - 8):
                continue  # a duplicate of an earlier echo, after a resend
        at = first_difference(datagram, echo)
        raise Failure(f"datagram {number}: the echo differs at byte {at} ({len(echo)} bytes came back, "
                      f"{len(datagram)} were sent)")


def tcp_rate(args):
    deadline = Deadline(args.timeout)
    stop_at = time.monotonic() + args.seconds
    counts = [0] * args.connections
    start = time.monotonic()

    def worker(i):
        while time.monotonic() < stop_at:
            number = counts[i] * args.connections + i
            message = struct.pack(">4sIQ", b"s4ur", i, number)
            sock = connect(args.host, args.port, deadline)
            try:
                sock.settimeout(deadline.socket_timeout())
                sock.sendall(message)
                echo = b""
                while len(echo) < len(message):
                    sock.settimeout(deadline.socket_timeout())
                    try:
                        chunk = sock.recv(len(message) - len(echo))
                    except OSError as error:
                        raise Failure(f"connection {number}: {describe(error)}") from None
                    if not chunk:
                        raise Failure(f"connection {number}: the echo ended after {len(echo)} of 16 bytes")
                    echo += chunk
                if echo != message:
                    raise Failure(f"connection {number}: the echo differs at byte {first_difference(message, echo)}")
            finally:
                sock.close()
            counts[i] += 1

    failures = run_threads("tcp-rate", args.connections, worker, deadline)
    seconds = time.monotonic() - start
    if failures:
        for i, message in failures:
            print(f"{PROGRAM}: tcp-rate: {message}", file=sys.stderr)
        return 1
    total = sum(counts)
    if total == 0:
        print(f"{PROGRAM}: tcp-rate: no connection completed", file=sys.stderr)
        return 1
    summary(args, f"tcp-rate: {total} connections in {seconds:.3f} s: {total / seconds:.1f} per second")
    return 0


def bounded(kind, low, high, name):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: '{text}'") from None
        if not (low <= value <= high) or value != value:
            raise argparse.ArgumentTypeError(f"{name} must be {low} to {high}: '{text}'")
        return value
    return parse


def positive_seconds(high):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of seconds: '{text}'") from None
        if not (0 < value <= high):
            raise argparse.ArgumentTypeError(f"seconds must be more than 0 and at most {high:g}: '{text}'")
        return value
    return parse


def parser():
    top = argparse.ArgumentParser(prog=PROGRAM, description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name, help_text, protocol, default_guest, timeout):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(protocol=protocol, default_guest=default_guest)
        sub.add_argument("--host", help="the address to connect to (default: $SEL4_HOST, else 127.0.0.1)")
        sub.add_argument("--port", type=bounded(int, 1, 65535, "the port"),
                         help=f"the port (default: $SEL4_PORT_{protocol.upper()}_<guest port>)")
        sub.add_argument("--guest-port", type=bounded(int, 1, 65535, "the guest port"), default=default_guest,
                         help=f"the guest port whose forward --port defaults to (default {default_guest})")
        sub.add_argument("--timeout", type=positive_seconds(MAX_SECONDS), default=timeout,
                         help="the hard limit of the whole run in seconds (default " +
                         (f"{timeout:g}" if timeout else "--seconds and 30 more") + ")")
        sub.add_argument("--summary-stderr", action="store_true",
                         help="print the summary line on standard error (for a client of sel4-qemu-run, whose "
                              "standard output goes to the guest's serial input)")
        return sub

    sub = command("tcp-echo", "TCP echo of N bytes over C concurrent connections", "tcp", 1234, 60.0)
    sub.add_argument("--bytes", type=bounded(int, 1, MAX_BYTES, "--bytes"), required=True,
                     help="the bytes to send in all (split over the connections)")
    sub.add_argument("--connections", type=bounded(int, 1, MAX_CONNECTIONS, "--connections"), default=1,
                     help="the concurrent connections (default 1)")
    sub = command("udp-echo", "UDP echo of N datagrams", "udp", 1235, 30.0)
    sub.add_argument("--count", type=bounded(int, 1, MAX_DATAGRAMS, "--count"), required=True,
                     help="the datagrams to send")
    sub.add_argument("--size", type=bounded(int, MIN_DATAGRAM_SIZE, MAX_DATAGRAM_SIZE, "--size"), default=64,
                     help="the bytes of each datagram (default 64)")
    sub = command("tcp-rate", "TCP connections per second, each echoing 16 bytes", "tcp", 1234, None)
    sub.add_argument("--seconds", type=positive_seconds(600), required=True, help="how long to open connections")
    sub.add_argument("--connections", type=bounded(int, 1, MAX_CONNECTIONS, "--connections"), default=1,
                     help="the connections open at a time (default 1)")
    return top


def main(argv):
    top = parser()
    args = top.parse_args(argv)
    if args.host is None:
        args.host = os.environ.get("SEL4_HOST") or "127.0.0.1"
    if args.port is None:
        variable = f"SEL4_PORT_{args.protocol.upper()}_{args.guest_port}"
        text = os.environ.get(variable)
        if text is None:
            top.error(f"{args.command}: no --port and no {variable} in the environment")
        try:
            args.port = bounded(int, 1, 65535, variable)(text)
        except argparse.ArgumentTypeError as error:
            top.error(f"{args.command}: {error}")
    if args.command == "tcp-echo" and args.bytes < args.connections:
        top.error(f"tcp-echo: --bytes ({args.bytes}) must be at least --connections ({args.connections})")
    if args.timeout is None:  # tcp-rate: its seconds and half a minute more
        args.timeout = args.seconds + 30.0
    run = {"tcp-echo": tcp_echo, "udp-echo": udp_echo, "tcp-rate": tcp_rate}[args.command]
    # The hard limit holds even for a thread stuck where no socket timeout reaches.
    watchdog = threading.Timer(args.timeout + 5.0, lambda: (
        print(f"{PROGRAM}: {args.command}: timed out after {args.timeout:g} s", file=sys.stderr),
        sys.stderr.flush(), os._exit(1)))
    watchdog.daemon = True
    watchdog.start()
    try:
        return run(args)
    except Failure as failure:
        print(f"{PROGRAM}: {args.command}: {failure}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{PROGRAM}: {args.command}: {describe(error)}", file=sys.stderr)
        return 1
    finally:
        watchdog.cancel()


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print(f"{PROGRAM}: interrupted", file=sys.stderr)
        sys.exit(1)
