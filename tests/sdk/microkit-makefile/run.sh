#!/bin/sh
# sdk.microkit-makefile: the Microkit project beside this script, copied out of the source
# tree and built by its own Makefile against the Microkit SDK in PREFIX (as sdk.install
# installed it), then booted in QEMU under the installed sel4-qemu-run until the client's
# success line.
#   run.sh PREFIX WORK BOARD BOOT QEMU_COMMAND...
# BOOT is the world's: loader or multiboot (the 32-bit kernel that the tool writes beside the
# image, and the image as its module). The image is in the tool's default format for the
# board, as Microkit's: booted as Microkit's manual says (aarch64: a raw binary, at
# 0x70000000 with QEMU's generic loader; riscv64: a uImage, -kernel).
set -eu
source=$(cd "$(dirname "$0")" && pwd)
prefix=$1 work=$2 board=$3 boot=$4
shift 4
rm -rf "$work"
mkdir -p "$work/project"
cp "$source/Makefile" "$source"/*.c "$source"/*.h "$source"/*.system "$work/project/"
build=$work/build
make -C "$work/project" MICROKIT_SDK="$prefix" MICROKIT_BOARD="$board" MICROKIT_CONFIG=debug BUILD_DIR="$build"
for file in loader.img report.txt client.elf server.elf; do
    [ -s "$build/$file" ] || { echo "the Makefile did not make $build/$file"; exit 1; }
done
# A second make has nothing to do.
make -q -C "$work/project" MICROKIT_SDK="$prefix" MICROKIT_BOARD="$board" MICROKIT_CONFIG=debug BUILD_DIR="$build" ||
    { echo "make -q: the project is not up to date after its build"; exit 1; }
case $boot:$board in
loader:qemu_virt_aarch64) set -- "$@" -device "loader,file=$build/loader.img,addr=0x70000000,cpu-num=0" ;;
loader:*) set -- "$@" -kernel "$build/loader.img" ;;
multiboot:*) set -- "$@" -kernel "$build/sel4_32.elf" -initrd "$build/loader.img" ;;
*) echo "run.sh: unknown boot '$boot'"; exit 2 ;;
esac
exec "$prefix/bin/sel4-qemu-run" --timeout 120 --success "microkit-makefile: test passed" \
    --failure "microkit-makefile: test failed" -- "$@"
