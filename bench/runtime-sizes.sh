#!/bin/bash
# The stripped size of the hello root task in each runtime variant (minimal: no heap, TLS
# or exceptions; + heap (and TLS); + exceptions; + the standard library), hello through
# std::cout and from a std::thread, beside a C hello on libsel4, for each world whose kernel
# is installed.
#   bench/runtime-sizes.sh [WORLD...]      (default: x86_64 aarch64 riscv64)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
worlds=("$@")
[ ${#worlds[@]} -gt 0 ] || worlds=(x86_64 aarch64 riscv64)
echo "command: bench/runtime-sizes.sh ${worlds[*]}"
for world in "${worlds[@]}"; do
    prefix=${SEL4_PREFIX:-/opt/sel4/$world}
    if [ ! -f "$prefix/bin/kernel.elf" ]; then
        echo "== $world: skipped: no kernel at $prefix"
        continue
    fi
    case $world in
        x86_64*) strip=strip ;;
        aarch64*) strip=aarch64-linux-gnu-strip ;;
        riscv64*) strip=riscv64-linux-gnu-strip ;;
    esac
    command -v "$strip" > /dev/null || { echo "error: $strip not found" >&2; exit 1; }
    build=$repo/build/bench-$world
    cmake --preset "$world" -B "$build" -DCPP_SEL4_BENCH=ON > "$build.configure.log" 2>&1 || {
        cat "$build.configure.log"
        exit 1
    }
    programs=(hello-minimal hello-heap hello-exceptions hello-stdlib hello-iostream hello-thread hello-c-libsel4)
    cmake --build "$build" --target "${programs[@]}" -- -j2 > "$build.build.log" 2>&1 || {
        tail -30 "$build.build.log"
        exit 1
    }
    echo "== $world"
    printf '%-20s %12s %12s\n' program "stripped B" "unstripped B"
    for program in "${programs[@]}"; do
        elf=$build/bench/runtime/$program
        stripped=$(mktemp)
        "$strip" -o "$stripped" "$elf"
        printf '%-20s %12d %12d\n' "$program" "$(stat -c %s "$stripped")" "$(stat -c %s "$elf")"
        rm -f "$stripped"
    done
done
