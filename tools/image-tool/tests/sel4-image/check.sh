#!/bin/sh
# image-tool.sel4-image: sel4-image in its x86_64 (multiboot) mode on real ELF files from the
# host compiler. It takes a root task at the root CNode's limit, from --kernel and
# --kernel-config or from an installed kernel's layout (--sel4-prefix); it refuses, with the
# numbers and writing nothing, root tasks whose frames the root CNode cannot hold; it refuses
# command lines that mix the two ways of naming the kernel or name a loader for multiboot.
#   check.sh SEL4_IMAGE KERNEL KERNEL_CONFIG AT_LIMIT OVER_LIMIT LARGE
# AT_LIMIT has 3839 frames, the most that the config's kernel can take, OVER_LIMIT one more,
# LARGE 48 MiB of .bss (12289 frames).
set -u
image_tool=$1 kernel=$2 config=$3 at_limit=$4 over_limit=$5 large=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/out"
failures=0
fail() {
    echo "FAIL: sel4-image $args: $*"
    failures=$((failures + 1))
}

# run ARGS...: runs sel4-image, writing into the empty $work/out/image; its status in
# $status, its errors in $work/err.
run() {
    args="$*"
    rm -f "$work/out/"*
    "$image_tool" "$@" -o "$work/out/image" 2> "$work/err"
    status=$?
}

# written: the last run wrote a 32-bit ELF file, and said nothing.
written() {
    [ "$status" -eq 0 ] || fail "exit status $status, not 0: $(cat "$work/err")"
    od -An -tx1 -N5 "$work/out/image" 2> /dev/null | grep -q '7f 45 4c 46 01' || fail "no 32-bit ELF file written"
    [ -s "$work/err" ] && fail "errors: $(cat "$work/err")"
}

# refused STATUS TEXT...: the last run failed with STATUS, said each TEXT and wrote nothing.
refused() {
    [ "$status" -eq "$1" ] || fail "exit status $status, not $1"
    shift
    [ -z "$(ls "$work/out")" ] || fail "output left: $(ls "$work/out")"
    for text in "$@"; do
        grep -q -F -- "$text" "$work/err" || fail "no '$text' in: $(cat "$work/err")"
    done
}

run --kernel "$kernel" --kernel-config "$config" --root-task "$at_limit"
written

slots="but the kernel's root CNode has 2^12 = 4096 slots (ROOT_CNODE_SIZE_BITS=12; "
run --kernel "$kernel" --kernel-config "$config" --root-task "$over_limit"
refused 1 "sel4-image: error: root task $over_limit needs 3840 frames for its image (15.0 MiB), $slots" \
    "an image of at most 3839 frames (15.0 MiB) fits"
run --kernel "$kernel" --kernel-config "$config" --root-task "$large"
refused 1 "sel4-image: error: root task $large needs 12289 frames for its image (48.0 MiB), $slots" \
    "274 are taken by 16 initial caps, 27 paging structures, 1 extra BootInfo frame(s), and up to 230 untypeds" \
    "(MAX_NUM_BOOTINFO_UNTYPED_CAPS=230)): an image of at most 3839 frames (15.0 MiB) fits"

# An installed kernel's layout; an x86_64 one has no support/kernel.dtb.
prefix="$work/prefix"
mkdir -p "$prefix/bin" "$prefix/libsel4/include/kernel"
cp "$kernel" "$prefix/bin/kernel.elf"
run --sel4-prefix "$prefix" --root-task "$at_limit"
refused 1 "sel4-image: error: $prefix/libsel4/include/kernel/gen_config.json: no such file"
cp "$config" "$prefix/libsel4/include/kernel/gen_config.json"
run --sel4-prefix "$prefix" --root-task "$at_limit"
written
run --sel4-prefix "$prefix" --root-task "$large"
refused 1 "needs 12289 frames for its image"

run --sel4-prefix "$prefix" --kernel-config "$config" --root-task "$at_limit"
refused 2 "sel4-image: error: --sel4-prefix excludes --kernel-config"
run --kernel "$kernel" --root-task "$at_limit"
refused 2 "sel4-image: error: the kernel is --sel4-prefix's, or --kernel and --kernel-config"
run --sel4-prefix "$prefix" --root-task "$at_limit" --loader "$kernel"
refused 2 "sel4-image: error: $prefix/bin/kernel.elf is an x86_64 kernel, which boots by multiboot: no --loader, no --dtb"
run --sel4-prefix "$prefix"
refused 2 "sel4-image: error: --root-task is required"

[ "$failures" -eq 0 ] || exit 1
echo "PASS"
