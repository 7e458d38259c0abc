#!/usr/bin/env bash
# Installs every Debian package cpp-sel4 needs (idempotent), builds the host
# tools and every world, and runs the main example on x86_64.
set -euo pipefail
source "$(dirname "$0")/common.sh"

packages=(
    # building and testing cpp-sel4
    cmake ninja-build g++ g++-aarch64-linux-gnu g++-riscv64-linux-gnu libgtest-dev nlohmann-json3-dev libtinyxml2-dev
    libcli11-dev doxygen libexpat1-dev zlib1g-dev time
    pkg-config libdw-dev qemu-system-x86 qemu-system-arm qemu-system-misc
    # unpacking the C libraries the targets build from Debian's source packages (musl, zlib, lwIP)
    dpkg-dev
    # libs/fat's host tests: FAT images made by mkfs.fat and mtools
    dosfstools mtools
    # bench/net.sh's Linux guest: its initramfs (the kernel and busybox come from Debian's arm64
    # packages, which the script downloads with apt-get download: the arm64 architecture below)
    cpio
    # examples/microkit/http-server: its site (cmark renders the docs; mkfs.fat and mtools make the
    # disk), its TLS key and certificate (openssl), its tests (curl, wrk, headless chromium) and
    # the screenshot check (python3-pil); bench/http.sh's Linux guest serves with busybox httpd
    cmark openssl curl wrk chromium python3-pil
    # building the seL4 kernel itself (the prerequisite; see README)
    python3 python3-yaml python3-jinja2 python3-lxml python3-ply python3-six python3-future
    python3-jsonschema python3-pyelftools device-tree-compiler
)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
# Debian's source packages: the build unpacks the C libraries it needs from them
# (cmake/DebianSource.cmake).
sources=/etc/apt/sources.list.d/cpp-sel4-src.sources
if [ ! -f "$sources" ]; then
    echo "=== adding Debian's source packages ($sources)"
    $sudo tee "$sources" > /dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi
# bench/net.sh downloads Debian's arm64 kernel and busybox-static for its Linux guest.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "=== adding the arm64 architecture to dpkg (bench/net.sh's Linux guest)"
    $sudo dpkg --add-architecture arm64
fi
echo "=== installing Debian packages"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${packages[@]}"

mkdir -p "$REPO/build"
cd "$REPO"
for preset in "${PRESETS[@]}"; do
    build_preset "$preset"
done

echo "=== main example: examples/root-task/hello, built against cpp-sel4 installed for x86_64, booted in QEMU"
if [ -e "${SEL4_PREFIX:-/opt/sel4/x86_64}/bin/kernel.elf" ]; then
    ctest --preset x86_64 -R '^sdk\.(install|hello)$' --verbose |
        grep -E 'installed into|Hello|untyped memory|heap works|cpp-sel4:|sel4-qemu-run|Booting'
else
    echo "No seL4 kernel at ${SEL4_PREFIX:-/opt/sel4/x86_64}: build one as README.md describes to run the example."
fi
