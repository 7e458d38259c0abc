#!/usr/bin/env bash
# Boots the flagship, examples/microkit/http-server, in QEMU: the site on http://localhost:8080/
# and https://localhost:8443/ (QEMU's user network forwards 127.0.0.1:8080 and :8443 to the
# guest's ports 80 and 443). Builds what it needs first (the host tools and the world).
#   scripts/run-http-demo.sh [microkit-aarch64|microkit-riscv64]
# The certificate is made for localhost at build time; a browser asks to trust it (or trust
# build/<world>/examples/microkit/http-server/http-server-cert.pem). Ctrl-A X quits QEMU.
set -euo pipefail
source "$(dirname "$0")/common.sh"
world=${1:-microkit-aarch64}
case "$world" in
microkit-aarch64 | microkit-riscv64) ;;
*)
    echo "run-http-demo.sh: the demo runs on microkit-aarch64 or microkit-riscv64, not '$world'" >&2
    exit 2
    ;;
esac
kernel=/opt/sel4/$world/bin/kernel.elf
if [ ! -e "$kernel" ]; then
    echo "run-http-demo.sh: no seL4 kernel at $kernel: build one as README.md describes" >&2
    exit 1
fi
cd "$REPO"
mkdir -p build
[ -x build/host/tools/qemu-runner/sel4-qemu-run ] || build_preset host
cmake --preset "$world" -DCPP_SEL4_HOST_BUILD="$REPO/build/host" > "build/$world.configure.log"
cmake --build "build/$world" --target microkit-http-server
cat <<TEXT
=== http-server on $world: once it logs "serving", open
      http://localhost:8080/
      https://localhost:8443/   (a certificate made for localhost at build time:
                                  build/$world/examples/microkit/http-server/http-server-cert.pem)
    Ctrl-A X quits QEMU.
TEXT
exec cmake --build "build/$world" --target microkit-http-server-run
