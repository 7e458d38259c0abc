#!/usr/bin/env python3
"""Renders cpp-sel4's documentation into the http-server example's static site, and packs the
site, a TLS certificate and key for localhost (made here by openssl) and a 1 MiB file into a
FAT disk image.

    make-site.py --repo DIR --assets DIR --out DISK.img --cert-out CERT.pem

The pages: README.md as /index.html, docs/architecture.md as /architecture/index.html, and
each libs/<name>/README.md as /docs/<name>/index.html (directories, so that /docs/net is a
redirect to /docs/net/), each wrapped in page.html with the stylesheet (style.css) and the
logo (logo.svg). Links between these Markdown files become links between the pages.

The disk: an MBR with one FAT32 partition from sector 2048 (mkfs.fat --offset), holding
/site/... (the document root) and /tls/cert.pem, /tls/key.pem (outside it: never served).
Every file's modification time is fixed (2026-01-01 00:00:00 UTC), so Last-Modified is
known to the tests. The image is written beside DISK.img and renamed into place, so a failed
run leaves no partial image; the key is made anew by every build and never committed.
"""
import argparse
import html
import os
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import tempfile

MTIME = 1767225600  # 2026-01-01 00:00:00 UTC
DISK_BYTES = 64 * 1024 * 1024
PARTITION_START = 2048  # sectors of 512 bytes
BIG_FILE_BYTES = 1024 * 1024


def fail(message):
    print(f"make-site.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        fail(f"{' '.join(map(str, command))} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def pages(repo):
    """(markdown file, site path of its page, title) for every page of the site."""
    found = [(repo / "README.md", "index.html", "cpp-sel4"),
             (repo / "docs/architecture.md", "architecture/index.html", "Architecture")]
    for readme in sorted(repo.glob("libs/*/README.md")):
        name = readme.parent.name
        found.append((readme, f"docs/{name}/index.html", f"libs/{name}"))
    for markdown, _, _ in found:
        if not markdown.is_file():
            fail(f"{markdown}: no such file (a page of the site)")
    return found


def render(repo, markdown, target, title, template, links, nav):
    body = run(["cmark", "--smart", str(markdown)])
    depth = target.count("/")
    up = "../" * depth or "./"

    # Links to the other pages' Markdown files become links to the pages; links to other
    # files of the repository (not on the site) become their text.
    def relink(match):
        href, text = match.group(1), match.group(2)
        if re.match(r"[a-z]+:|#", href):
            return match.group(0)
        path, _, fragment = href.partition("#")
        resolved = (markdown.parent / path).resolve()
        if resolved not in links:
            return text
        new = up + links[resolved].removesuffix("index.html")
        return f'<a href="{new}{"#" + fragment if fragment else ""}">{text}</a>'

    body = re.sub(r'<a href="([^"]*)">(.*?)</a>', relink, body, flags=re.S)
    navigation = "\n".join(
        f'      <li><a href="{up}{path.removesuffix("index.html")}">{html.escape(name)}</a></li>'
        for path, name in nav)
    return (template.replace("@TITLE@", html.escape(title)).replace("@ROOT@", up)
            .replace("@NAV@", navigation).replace("@BODY@", body))


def build_site(repo, assets, root):
    template = (assets / "page.html").read_text()
    found = pages(repo)
    links = {markdown.resolve(): target for markdown, target, _ in found}
    nav = [(target, title) for _, target, title in found]
    for markdown, target, title in found:
        out = root / target
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(repo, markdown, target, title, template, links, nav))
    for asset in ("style.css", "logo.svg"):
        shutil.copy(assets / asset, root / asset)
    # A 1 MiB file of a known pattern (byte i is (i * 7 + i // 4096) mod 256): for the Range
    # tests and bench/http.sh.
    (root / "files").mkdir()
    (root / "files/1mib.bin").write_bytes(bytes((i * 7 + i // 4096) & 0xFF for i in range(BIG_FILE_BYTES)))


def make_key_and_certificate(tls):
    tls.mkdir()
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "3650", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(tls / "key.pem"), "-out", str(tls / "cert.pem")])


def make_disk(staging, image):
    sectors = DISK_BYTES // 512
    with open(image, "wb") as disk:
        disk.truncate(DISK_BYTES)
        # One partition entry: type 0x0c (FAT32, LBA), from PARTITION_START to the end.
        entry = struct.pack("<B3sB3sII", 0, b"\0\0\0", 0x0C, b"\0\0\0", PARTITION_START, sectors - PARTITION_START)
        disk.seek(446)
        disk.write(entry)
        disk.seek(510)
        disk.write(b"\x55\xaa")
    run(["mkfs.fat", "-F", "32", "-n", "CPPSEL4", "--offset", str(PARTITION_START), str(image),
         str((sectors - PARTITION_START) // 2)], env={**os.environ, "PATH": os.environ["PATH"] + ":/usr/sbin:/sbin"})
    for path in staging.rglob("*"):
        os.utime(path, (MTIME, MTIME))
    target = f"{image}@@{PARTITION_START * 512}"
    env = {**os.environ, "TZ": "UTC", "MTOOLS_SKIP_CHECK": "1"}
    for top in sorted(staging.iterdir()):
        run(["mcopy", "-s", "-m", "-i", target, str(top), "::/"], env=env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=pathlib.Path, required=True)
    parser.add_argument("--assets", type=pathlib.Path, required=True)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    parser.add_argument("--cert-out", type=pathlib.Path, required=True)
    args = parser.parse_args()
    for tool in ("cmark", "openssl", "mcopy"):
        if shutil.which(tool) is None:
            fail(f"{tool} is not installed (scripts/setup.sh installs it)")
    with tempfile.TemporaryDirectory(dir=args.out.parent) as work:
        work = pathlib.Path(work)
        staging = work / "disk"
        build_site(args.repo, args.assets, staging / "site")
        make_key_and_certificate(staging / "tls")
        partial = work / "disk.img"
        make_disk(staging, partial)
        shutil.copy(staging / "tls/cert.pem", work / "cert.pem")
        os.replace(work / "cert.pem", args.cert_out)
        os.replace(partial, args.out)


if __name__ == "__main__":
    main()
