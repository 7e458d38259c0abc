#!/usr/bin/env python3
"""Host-side clients of the http.* tests: examples/microkit/http-server, booted by
sel4-qemu-run with its ports 80 and 443 forwarded to free loopback ports (SEL4_PORT_TCP_80,
SEL4_PORT_TCP_443 in the environment).

  http-test.py curl      --disk IMG --cert PEM
      curl over HTTP and HTTPS (trusting the generated certificate): / is 200 with the index's
      bytes, a directory without its slash 301, a missing file 404, a Range 206 with the right
      bytes, HEAD, If-Modified-Since 304, the 1 MiB file whole, and 100 requests over one
      kept-alive connection.
  http-test.py browser   --screenshot PNG
      headless Chromium loads https://localhost:<port>/ (--ignore-certificate-errors), and
      its screenshot has the page's size and the stylesheet's and the logo's colours.
  http-test.py load      [--seconds S]
      wrk, 16 connections for S seconds over HTTP and then HTTPS: zero socket errors, zero
      non-2xx responses.
  http-test.py bad-input
      malformed, truncated, oversized and slow requests, aborted TLS handshakes and a client
      that stops reading, each answered with its status or a closed connection; past the
      connection limit a 503; then a normal GET over HTTP and HTTPS still succeeds.
  http-test.py soak      [--seconds S]
      the connection limit filled on both ports (every TLS session the server allows at
      once), then S seconds of mixed load (wrk over HTTP and HTTPS, bad input, aborted TLS
      handshakes), reading the server's /_status (its heap's use and high-water mark) after the
      first minute and at the end: the high-water mark must not have grown.

The disk image's files are read back with mcopy, so the expected bytes are the image's own.
Summaries go to standard error (the runner shows them as "client| " lines: standard output is
the guest's serial input). Exit status 0 success, 1 failure.
"""

import argparse
import hashlib
import json
import os
import pathlib
import re
import select
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

PROGRAM = "http-test.py"
PARTITION_OFFSET = 2048 * 512  # examples/microkit/http-server/site/make-site.py
# The server's limits (examples/microkit/http-server/server.cpp).
MAX_CONNECTIONS = 20  # per port: one more gets a 503
MAX_HEAD = 8192  # request line and headers
MAX_TARGET = 2048  # the request target: longer is a 414
REQUEST_DEADLINE = 30  # seconds for a request to arrive whole
IDLE_TIMEOUT = 15  # seconds of silence, or of a write that does not go
LAST_MODIFIED = "Thu, 01 Jan 2026 00:00:00 GMT"


class Failure(Exception):
    """A check that failed: the message is reported and the exit status is 1."""


def say(text):
    print(f"{PROGRAM}: {text}", file=sys.stderr, flush=True)


def check(condition, what):
    if not condition:
        raise Failure(what)


def port(guest):
    value = os.environ.get(f"SEL4_PORT_TCP_{guest}")
    if not value:
        raise Failure(f"SEL4_PORT_TCP_{guest} is not set (run by sel4-qemu-run --forward tcp:{guest})")
    return int(value)


def site_files(disk, into):
    """The disk's /site, copied out with mcopy into the directory `into`."""
    env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
    subprocess.run(["mcopy", "-s", "-n", "-i", f"{disk}@@{PARTITION_OFFSET}", "::/site", str(into)],
                   check=True, env=env, capture_output=True)
    return pathlib.Path(into) / "site"


def curl(*args, timeout=60):
    """Runs curl; returns (headers text, body bytes) of the last response."""
    with tempfile.TemporaryDirectory() as work:
        headers = pathlib.Path(work) / "headers"
        body = pathlib.Path(work) / "body"
        result = subprocess.run(["curl", "--silent", "--show-error", "--max-time", str(timeout),
                                 "--dump-header", str(headers), "--output", str(body), *args],
                                capture_output=True, timeout=timeout + 10)
        if result.returncode != 0:
            raise Failure(f"curl {' '.join(args)}: exit {result.returncode}: {result.stderr.decode().strip()}")
        return headers.read_text(errors="replace"), body.read_bytes() if body.exists() else b""


def status_and_headers(text):
    """The last response's status code and headers (lower-case names) from curl's dump."""
    blocks = [b for b in re.split(r"\r?\n\r?\n", text) if b.strip()]
    lines = blocks[-1].splitlines()
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


def expect(what, args, status, body=None, headers=None):
    text, got = curl(*args)
    code, got_headers = status_and_headers(text)
    check(code == status, f"{what}: status {code}, expected {status}")
    if body is not None:
        check(got == body, f"{what}: {len(got)} bytes that are not the {len(body)} expected")
    for name, value in (headers or {}).items():
        check(got_headers.get(name) == value, f"{what}: {name}: {got_headers.get(name)!r}, expected {value!r}")
    return got_headers


def curl_checks(base, tls_args, site):
    index = (site / "index.html").read_bytes()
    big = (site / "files/1mib.bin").read_bytes()
    expect(f"GET {base}/", [*tls_args, f"{base}/"], 200, index,
           {"content-type": "text/html; charset=utf-8", "content-length": str(len(index)),
            "last-modified": LAST_MODIFIED})
    got = expect(f"GET {base}/docs/net", [*tls_args, f"{base}/docs/net"], 301)
    check(got.get("location", "").endswith("/docs/net/"), f"the redirect's Location: {got.get('location')!r}")
    expect(f"GET {base}/docs/net/", [*tls_args, f"{base}/docs/net/"], 200,
           (site / "docs/net/index.html").read_bytes())
    expect(f"GET {base}/no-such-file.html", [*tls_args, f"{base}/no-such-file.html"], 404)
    expect(f"Range 1000-1999", [*tls_args, "-H", "Range: bytes=1000-1999", f"{base}/files/1mib.bin"], 206,
           big[1000:2000], {"content-range": "bytes 1000-1999/1048576", "content-length": "1000"})
    expect(f"Range -100", [*tls_args, "-H", "Range: bytes=-100", f"{base}/files/1mib.bin"], 206, big[-100:])
    expect(f"Range past the end", [*tls_args, "-H", "Range: bytes=2000000-", f"{base}/files/1mib.bin"], 416,
           headers={"content-range": "bytes */1048576"})
    expect(f"HEAD {base}/", [*tls_args, "--head", f"{base}/"], 200, None, {"content-length": str(len(index))})
    # (curl --head writes the headers where the body goes: that no body follows, a socket checks.)
    head = exchange(b"HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", tls=base.startswith("https"))
    check(head.startswith(b"HTTP/1.1 200 ") and head.endswith(b"\r\n\r\n") and head.count(b"\r\n\r\n") == 1,
          f"HEAD {base}/: a body came after the head: {head[-80:]!r}")
    expect(f"If-Modified-Since", [*tls_args, "-H", f"If-Modified-Since: {LAST_MODIFIED}", f"{base}/style.css"], 304)
    expect(f"GET {base}/style.css", [*tls_args, f"{base}/style.css"], 200, (site / "style.css").read_bytes(),
           {"content-type": "text/css; charset=utf-8"})
    expect(f"GET {base}/logo.svg", [*tls_args, f"{base}/logo.svg"], 200, (site / "logo.svg").read_bytes(),
           {"content-type": "image/svg+xml"})
    expect(f"GET {base}/files/1mib.bin", [*tls_args, f"{base}/files/1mib.bin"], 200, big)
    # 100 requests, one connection: curl reuses it, and says how many it opened per transfer.
    urls = [f"{base}/" if i % 2 == 0 else f"{base}/style.css" for i in range(100)]
    args = ["curl", "--silent", "--show-error", "--max-time", "120", *tls_args,
            "--write-out", "%{http_code} %{num_connects}\\n"]
    for url in urls:
        args += [url, "--output", "/dev/null"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=150)
    check(result.returncode == 0, f"100 requests: curl exit {result.returncode}: {result.stderr.strip()}")
    lines = result.stdout.split()
    codes, connects = lines[0::2], [int(n) for n in lines[1::2]]
    check(codes == ["200"] * 100, f"100 requests: statuses {sorted(set(codes))}")
    check(sum(connects) == 1, f"100 requests took {sum(connects)} connections, not 1")
    say(f"{base}: every check passed; 100 requests over 1 connection")


def run_curl(args):
    with tempfile.TemporaryDirectory() as work:
        site = site_files(args.disk, work)
        curl_checks(f"http://127.0.0.1:{port(80)}", [], site)
        curl_checks(f"https://localhost:{port(443)}", ["--cacert", str(args.cert)], site)


def run_browser(args):
    from PIL import Image  # python3-pil

    shot = pathlib.Path(args.screenshot)
    shot.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors",
                   f"--user-data-dir={profile}", "--window-size=1280,900", "--hide-scrollbars",
                   "--virtual-time-budget=10000", f"--screenshot={shot}", f"https://localhost:{port(443)}/"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    check(result.returncode == 0 and shot.exists(), f"chromium exit {result.returncode}: {result.stderr[-500:]}")
    image = Image.open(shot).convert("RGB")
    check(image.size == (1280, 900), f"the screenshot is {image.size}, not 1280x900")
    pixels = list(image.getdata())

    def share(rgb, tolerance=12):
        near = sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, rgb)))
        return near / len(pixels)

    header, page, logo = share((0x12, 0x35, 0x5B)), share((0xF4, 0xF1, 0xE8)), share((0x2B, 0xB6, 0x73))
    say(f"screenshot {shot}: header blue {header:.1%}, page {page:.1%}, logo green {logo:.2%}")
    check(header > 0.10, "the stylesheet's header blue covers less than 10% of the page: no stylesheet?")
    check(page > 0.30, "the stylesheet's page colour covers less than 30% of the page")
    check(logo > 0.002, "the logo's green is missing: the image did not load")


def wrk(url, seconds, connections=16, timeout=10):
    result = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", f"{timeout}s",
                             "--latency", url], capture_output=True, text=True, timeout=seconds + 60)
    check(result.returncode == 0, f"wrk {url}: exit {result.returncode}: {result.stderr.strip()}")
    out = result.stdout
    check("Socket errors" not in out, f"wrk {url}: socket errors: {out}")
    check("Non-2xx" not in out, f"wrk {url}: non-2xx responses: {out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    check(requests > 0, f"wrk {url}: no requests")
    return requests, rate


def run_load(args):
    for url in (f"http://127.0.0.1:{port(80)}/", f"https://localhost:{port(443)}/"):
        requests, rate = wrk(url, args.seconds)
        say(f"wrk {url}: 16 connections, {args.seconds} s: {requests} requests, {rate:.1f}/s, no errors, all 2xx")


def connect(tls, timeout):
    """A connection to the server's port 80, or 443 with TLS (the certificate not checked)."""
    raw = socket.create_connection(("127.0.0.1", port(443 if tls else 80)), timeout=timeout)
    if not tls:
        return raw
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context.wrap_socket(raw, server_hostname="localhost")


def exchange(data, tls=False, read=True, timeout=30):
    """Sends `data` on a new connection, returns what comes back until the server closes."""
    sock = connect(tls, timeout)
    try:
        sock.sendall(data)
        got = b""
        while read:
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
        return got
    except (ConnectionResetError, BrokenPipeError):
        return b""
    finally:
        sock.close()


def status_of(response):
    match = re.match(rb"HTTP/1\.1 (\d{3}) ", response)
    return int(match.group(1)) if match else None


def bad_requests():
    """(what, request bytes, the statuses allowed: None for a closed connection)."""
    long_target = b"/" + b"a" * (MAX_TARGET + 10)
    return [
        ("garbage", b"\x00\x01\x02 nonsense\r\n\r\n", {400, None}),
        ("no version", b"GET /\r\n\r\n", {400, None}),
        ("bad version", b"GET / HTTP/9.Z\r\n\r\n", {400, None}),
        ("header without colon", b"GET / HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n", {400}),
        ("control bytes in the target", b"GET /\x01\x02 HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
        ("POST", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", {405}),
        ("DELETE", b"DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", {405}),
        ("long target", b"GET " + long_target + b" HTTP/1.1\r\nHost: x\r\n\r\n", {414}),
        ("large header", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * MAX_HEAD + b"\r\n\r\n", {431}),
        ("many headers", b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(2000)) + b"\r\n",
         {431}),
        ("dot-dot", b"GET /../tls/key.pem HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", {400, 404}),
        ("encoded dot-dot", b"GET /%2e%2e/tls/key.pem HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", {400, 404}),
        ("bad percent", b"GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", {400, 404}),
        ("bad range", b"GET /style.css HTTP/1.1\r\nHost: x\r\nRange: bytes=zz\r\nConnection: close\r\n\r\n",
         {200, 416}),
        ("huge content-length", b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
         {400, None}),
        ("chunked body", b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", {400, 200, None}),
    ]


def run_bad_input(args):
    del args
    for what, request, allowed in bad_requests():
        for tls in (False, True):
            got = exchange(request, tls=tls)
            status = status_of(got)
            check(status in allowed, f"{what} ({'HTTPS' if tls else 'HTTP'}): status {status}, expected {allowed}")
            check(b"PRIVATE KEY" not in got, f"{what}: the key was served")
    say(f"{len(bad_requests())} bad requests over HTTP and HTTPS: each its status or a closed connection")
    # Truncated requests: the server waits, then the client goes away.
    for cut in (1, 5, 17, 30):
        exchange(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"[:cut], read=False)
    # TLS clients that give up mid-handshake, and garbage on the TLS port.
    for _ in range(8):
        raw = socket.create_connection(("127.0.0.1", port(443)), timeout=10)
        raw.sendall(b"\x16\x03\x01\x00\xc8\x01\x00\x00\xc4\x03\x03" + os.urandom(40))
        raw.close()
    check(status_of(exchange(b"GET / HTTP/1.1\r\n\r\n", read=True)) in (200, 400), "plain HTTP still answers")
    raw = socket.create_connection(("127.0.0.1", port(443)), timeout=10)
    raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    raw.settimeout(15)
    try:
        while raw.recv(4096):
            pass
    except (ConnectionResetError, socket.timeout):
        pass
    raw.close()
    say("truncated requests, aborted TLS handshakes and plain text on the TLS port: survived")
    # Slow clients (slowloris): a request that trickles in is cut off at the request deadline.
    slow = socket.create_connection(("127.0.0.1", port(80)), timeout=10)
    started = time.monotonic()
    cut = False
    for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 100:
        if select.select([slow], [], [], 1)[0]:
            try:
                slow.recv(4096)  # nothing (closed) or a 408
            except ConnectionResetError:
                pass
            cut = True
            break
        try:
            slow.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            cut = True
            break
    slow.close()
    elapsed = time.monotonic() - started
    check(cut and elapsed <= REQUEST_DEADLINE + 10, f"a slow request was not cut off ({elapsed:.0f} s)")
    say(f"a request trickling in at 1 byte/s: cut off after {elapsed:.0f} s")
    # The connection limit: MAX_CONNECTIONS held open, the next gets a 503.
    held = [socket.create_connection(("127.0.0.1", port(80)), timeout=15) for _ in range(MAX_CONNECTIONS)]
    try:
        for sock in held:  # each accepted: it answers
            sock.sendall(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
            check(status_of(sock.recv(4096)) == 200, "a held connection's HEAD")
        check(status_of(exchange(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")) == 503, "no 503 past the limit")
    finally:
        for sock in held:
            sock.close()
    say(f"{MAX_CONNECTIONS} connections open: the next one got a 503")
    # A client that asks for 8 MiB and reads none of it: once a write has waited IDLE_TIMEOUT,
    # the server closes the connection (its task and its slot are free again).
    stuck = socket.create_connection(("127.0.0.1", port(80)), timeout=10)
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.sendall(b"GET /files/1mib.bin HTTP/1.1\r\nHost: x\r\n\r\n" * 8)
    time.sleep(IDLE_TIMEOUT + 15)
    open_now = server_status()["connections_open"]
    stuck.close()
    check(open_now == 1, f"a client that does not read still holds its connection ({open_now} open)")
    say(f"a client that stopped reading: closed within {IDLE_TIMEOUT + 15} s")
    time.sleep(1)
    for tls in (False, True):
        got = exchange(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", tls=tls)
        check(status_of(got) == 200, f"a normal GET after the bad input ({'HTTPS' if tls else 'HTTP'}): {got[:60]!r}")
    say("a normal GET over HTTP and HTTPS still succeeds")


def server_status():
    text, body = curl(f"http://127.0.0.1:{port(80)}/_status")
    code, _ = status_and_headers(text)
    check(code == 200, f"/_status: {code}")
    return json.loads(body)


def kept_alive(tls):
    """A connection with one GET of /style.css answered, left open."""
    sock = connect(tls, 30)
    sock.sendall(b"GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        check(chunk != b"", "a held connection closed before its response")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    check(status_of(head) == 200, f"a held connection's GET: {head[:40]!r}")
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
    while len(body) < length:
        chunk = sock.recv(65536)
        check(chunk != b"", "a held connection's body ended early")
        body += chunk
    return sock


def fill():
    """As many connections as the server takes, on both ports, all open at once: its memory's
    bound (every TLS session it allows), reached in the soak's first minute."""
    held = []
    try:
        for i in range(2 * MAX_CONNECTIONS):
            try:
                held.append(kept_alive(tls=i % 2 == 0))
            except (socket.timeout, OSError) as error:
                raise Failure(f"held connection {i + 1} ({'HTTPS' if i % 2 == 0 else 'HTTP'}): {error}")
    finally:
        for sock in held:
            sock.close()
    return len(held)


def run_soak(args):
    started = time.monotonic()
    held = fill()
    say(f"{held} connections open at once (the limit on both ports), then closed")
    first = None
    rounds = 0
    totals = {"requests": 0}
    while time.monotonic() - started < args.seconds:
        # The small page over HTTP on 16 connections, the 1 MiB file over HTTPS on 4 (TLS on
        # TCG moves about 1.5 MB/s: 16 at once would take longer than wrk waits for one).
        for url, connections in ((f"http://127.0.0.1:{port(80)}/", 16),
                                 (f"https://localhost:{port(443)}/files/1mib.bin", 4)):
            requests, _ = wrk(url, 20, connections, timeout=30)
            totals["requests"] += requests
        for what, request, allowed in bad_requests()[:8]:
            try:
                status = status_of(exchange(request))
            except socket.timeout:
                raise Failure(f"soak, round {rounds + 1}: {what}: neither an answer nor a close in 30 s")
            check(status in allowed, f"soak, round {rounds + 1}: {what}: status {status}, expected {allowed}")
        raw = socket.create_connection(("127.0.0.1", port(443)), timeout=10)
        raw.sendall(b"\x16\x03\x01\x00\xc8\x01\x00")
        raw.close()
        rounds += 1
        if first is None and time.monotonic() - started >= 60:
            first = server_status()
            say(f"after {time.monotonic() - started:.0f} s: {json.dumps(first)}")
    last = server_status()
    say(f"after {time.monotonic() - started:.0f} s ({rounds} rounds, {totals['requests']} requests by wrk): "
        f"{json.dumps(last)}")
    check(first is not None, "the soak ran less than a minute")
    check(last["heap_high_water"] == first["heap_high_water"],
          f"the heap's high-water mark grew after the first minute: {first['heap_high_water']} -> "
          f"{last['heap_high_water']}")
    check(last["connections_open"] <= 1, f"{last['connections_open']} connections still open")
    say(f"heap high-water mark {last['heap_high_water']} bytes, unchanged since the first minute")


def main():
    parser = argparse.ArgumentParser(prog=PROGRAM, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("curl")
    c.add_argument("--disk", required=True)
    c.add_argument("--cert", required=True)
    b = commands.add_parser("browser")
    b.add_argument("--screenshot", required=True)
    lo = commands.add_parser("load")
    lo.add_argument("--seconds", type=int, default=20)
    commands.add_parser("bad-input")
    s = commands.add_parser("soak")
    s.add_argument("--seconds", type=int, default=600)
    args = parser.parse_args()
    try:
        {"curl": run_curl, "browser": run_browser, "load": run_load, "bad-input": run_bad_input,
         "soak": run_soak}[args.command](args)
    except (Failure, subprocess.SubprocessError, OSError, ValueError) as error:
        say(f"FAILED: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
