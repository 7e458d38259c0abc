#!/usr/bin/env bash
# The CapDL initializer's cost: synthetic systems of about 100, 1,000 and 10,000 objects
# (groups of eight threads sharing a VSpace and a CSpace, with their stacks, IPC buffers, ELF
# pages and page tables, endpoints, notifications, data frames and a CNode: the generator's
# `bench` system, tests/capdl/generator/main.cpp), each attached to the world's initializer
# and booted in QEMU with -icount shift=0, so that the counter counts instructions. Per world
# and size it prints: the objects, the serialized spec's bytes (and per object), the
# initializer's system calls (it counts them), the minimum a spec of that shape needs
# (binary::minimum_system_calls: one Untyped_Retype per run of one type, one invocation per cap,
# mapping and TCB configuration), their ratio, and the instructions from the initializer's
# start to its last thread's start (and per object). QEMU's -icount stalls seL4's boot on the
# multicore worlds (a core spins for the other under icount's round robin), so those run
# without it and report microseconds of the counter instead (marked "us").
#
#   bench/capdl.sh [WORLD...]      (default: every world with a kernel and a build directory)
#
# A world's build directory build/WORLD must be configured (scripts/test.sh does it); the
# script builds what it needs there. A size whose initializer does not fit the kernel's root
# CNode is reported with add-spec's reason.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sizes=(100 1000 10000)
all_worlds=(x86_64 aarch64 aarch64-el1 aarch64-mcs aarch64-smp riscv64 riscv64-smp)
worlds=("$@")
[ ${#worlds[@]} -gt 0 ] || worlds=("${all_worlds[@]}")

printf '%-12s %7s %8s %7s %8s %8s %6s %12s %11s\n' world objects "spec B" "B/obj" syscalls minimum ratio instructions "per object"
for world in "${worlds[@]}"; do
    build=$repo/build/$world
    prefix=${SEL4_PREFIX:-/opt/sel4/$world}
    if [ ! -f "$prefix/libsel4/include/kernel/gen_config.json" ]; then
        echo "$world: skipped: no kernel at $prefix"
        continue
    fi
    if [ ! -f "$build/CMakeCache.txt" ]; then
        echo "$world: skipped: $build is not configured (run scripts/test.sh or cmake --preset $world)"
        continue
    fi
    cmake --build "$build" --target capdl-initializer capdl-component-bench host-tools >/dev/null
    config=$prefix/libsel4/include/kernel/gen_config.json
    tools=$build/host-tools
    initializer=$build/programs/capdl-initializer/capdl-initializer
    loader=()
    [ -f "$build/programs/kernel-loader/kernel-loader" ] && loader=(--loader "$build/programs/kernel-loader/kernel-loader")
    # QEMU's command line for this world, from a capdl test's, without its image.
    qemu=$(ctest --test-dir "$build" -R '^capdl\.threads$' -N -V | sed -n 's/.* "--" \(.*\) "-kernel" .*/\1/p' | tr -d '"')
    [ -n "$qemu" ] || { echo "$world: skipped: no capdl.threads test to take QEMU's command line from"; continue; }
    icount=(-icount shift=0)
    [[ " $qemu " == *" -smp 1 "* || " $qemu " != *" -smp "* ]] || icount=()
    for size in "${sizes[@]}"; do
        dir=$build/bench-capdl/$size
        rm -rf "$dir"
        mkdir -p "$dir"
        "$tools/tests-capdl-generator/capdl-test-systems" bench --objects "$size" --kernel-config "$config" \
            --component "$build/tests/capdl/capdl-component-bench" --out "$dir" >/dev/null
        if ! report=$("$tools/capdl/sel4-capdl" add-spec --initializer "$initializer" --spec "$dir/spec.json" \
                        --fill-dir "$dir" --kernel-config "$config" -o "$dir/initializer.elf" 2>&1); then
            printf '%-12s %7s  does not fit: %s\n' "$world" "~$size" "$(echo "$report" | sed 's/^sel4-capdl: //' | cut -c1-160)"
            continue
        fi
        objects=$(echo "$report" | sed -n 's/.*: \([0-9]*\) objects,.*/\1/p')
        spec_bytes=$(echo "$report" | sed -n 's/.* spec \([0-9]*\) bytes .*/\1/p')
        minimum=$(echo "$report" | sed -n 's/.* at least \([0-9]*\) system calls.*/\1/p')
        if [ ${#loader[@]} -gt 0 ]; then
            image=$dir/image.img
            boot=(-kernel "$image")
        else
            image=$dir/image.elf32
            boot=(-kernel "$image" -initrd "$dir/initializer.elf")
        fi
        "$tools/image-tool/sel4-image" --sel4-prefix "$prefix" --root-task "$dir/initializer.elf" "${loader[@]}" -o "$image" >/dev/null
        # QEMU runs until the initializer's result line (at most 300 s), then it is killed.
        # shellcheck disable=SC2086 # the command line's words
        timeout 300 $qemu "${icount[@]}" "${boot[@]}" </dev/null >"$dir/qemu.log" 2>&1 &
        pid=$!
        pattern='capdl-initializer: started|cpp-sel4: aborted'
        while kill -0 "$pid" 2>/dev/null && ! grep -q -a -E "$pattern" "$dir/qemu.log"; do sleep 0.2; done
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        line=$(grep -m1 -a -E "$pattern" "$dir/qemu.log" || true)
        if [[ $line != *"capdl-initializer: started"* ]]; then
            printf '%-12s %7s  failed: %s\n' "$world" "$objects" "${line:-no result within 300 s}"
            continue
        fi
        read -r calls ticks hz < <(echo "$line" | sed -n 's/.*objects, \([0-9]*\) system calls, \([0-9]*\) counter ticks at \([0-9]*\) Hz.*/\1 \2 \3/p')
        awk -v w="$world" -v o="$objects" -v b="$spec_bytes" -v c="$calls" -v m="$minimum" -v t="$ticks" -v hz="$hz" \
            -v icount="${#icount[@]}" 'BEGIN {
            if (icount > 0) { instructions = t * 1e9 / hz; unit = "" } else { instructions = t * 1e6 / hz; unit = "us" }
            printf "%-12s %7d %8d %7.1f %8d %8d %6.2f %10.0f%-2s %9.1f%s\n", w, o, b, b / o, c, m, c / m, instructions, unit,
                   instructions / o, unit
        }'
    done
done
