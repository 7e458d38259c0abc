#!/usr/bin/env bash
# Zero-cost benchmark of the bindings: the same seL4 invocations compiled at -O2 through
# libsel4 C (bench/bindings/libsel4.c) and through cpp-sel4 (bench/bindings/cpp_sel4.cpp:
# generated stubs and typed API), one non-inlined wrapper per case and side; prints the
# instructions of each wrapper, per world, counted from the cross binutils' objdump.
#
#   bench/bindings.sh [WORLD...]     (default: x86_64 aarch64 riscv64 aarch64-mcs)
#
# A world's kernel is $SEL4_PREFIX (only with one WORLD) or /opt/sel4/WORLD; a world
# without one is skipped. Its cpp-sel4 headers are generated in build/WORLD (target
# sel4-generated), which must have been configured for the same kernel.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sources=$root/bench/bindings

# The cases, in table order: the wrappers' suffix and the label shown.
cases=(
    untyped_retype:Untyped_Retype
    cnode_copy:CNode_Copy
    cnode_mint:CNode_Mint
    tcb_configure:TCB_Configure
    tcb_write_registers:TCB_WriteRegisters
    page_map:Page_Map
    call:Call
    reply_recv:ReplyRecv
    send:Send
    recv:Recv
    signal:Signal
    wait:Wait
    yield:Yield
)

die() {
    echo "bench/bindings.sh: error: $*" >&2
    exit 1
}

# Reads `set(NAME "value")` or `set(NAME value)` from a CMake file.
cmake_set() {
    sed -n "s/^set($2 \"\{0,1\}\([^\"]*\)\"\{0,1\})\$/\1/p" "$1"
}

# Prints "symbol instructions external-callees" for every function of an object file:
# its own instructions plus those of the functions it calls or tail-calls in the same
# object (transitively); calls leaving the object are listed, comma-separated, or "-".
# Local labels (<.L...>, which objdump shows on riscv64) continue the current function.
count_instructions() {
    local objdump=$1 object=$2
    "$objdump" -dr --no-show-raw-insn "$object" | awk '
        /^[0-9a-f]+ <\.L.*>:$/ { fn = last; next }
        /^[0-9a-f]+ <.*>:$/ { fn = last = substr($2, 2, length($2) - 3); own[fn] = 0; next }
        fn == "" { next }
        /^[ \t]+[0-9a-f]+: R_/ {
            if ($2 ~ /(CALL|JUMP26|PLT32)/) {
                callee = $3
                sub(/[+-]0x[0-9a-f]+$/, "", callee)
                if (callee != fn && !((fn, callee) in calls)) { calls[fn, callee] = 1; callees[fn] = callees[fn] " " callee }
            }
            next
        }
        /^[ \t]+[0-9a-f]+:\t/ { own[fn]++ }
        /^$/ { fn = "" }
        function walk(f,    n, list, i, c) {
            n = split(callees[f], list, " ")
            for (i = 1; i <= n; i++) {
                c = list[i]
                if (c in seen) continue
                seen[c] = 1
                if (c in own) { total += own[c]; walk(c) } else external = external (external == "" ? "" : ",") c
            }
        }
        END {
            for (f in own) {
                split("", seen); seen[f] = 1; total = own[f]; external = ""
                walk(f)
                print f, total, (external == "" ? "-" : external)
            }
        }'
}

# One world: compile both sides, count, print the table and the verdict.
bench_world() {
    local world=$1 prefix=$2 arch=${1%%-*}
    local toolchain=$root/cmake/toolchain/$arch.cmake build=$root/build/$1
    [[ -f $toolchain ]] || die "no toolchain file $toolchain for world $world"
    local cc cxx flags objdump
    cc=$(cmake_set "$toolchain" CMAKE_C_COMPILER)
    cxx=$(cmake_set "$toolchain" CMAKE_CXX_COMPILER)
    read -ra flags <<<"$(cmake_set "$root/cmake/toolchain/common.cmake" cpp_sel4_target_flags) $(cmake_set "$toolchain" CPP_SEL4_ARCH_FLAGS)"
    objdump=${cc%gcc}objdump
    local tool
    for tool in "$cc" "$cxx" "$objdump"; do
        command -v "$tool" >/dev/null || die "$tool (needed for world $world) is not installed; run scripts/setup.sh"
    done

    if [[ ! -f $build/CMakeCache.txt ]]; then
        SEL4_PREFIX=$prefix cmake --preset "$world" >"$tmp/$world.configure.log" 2>&1 ||
            { cat "$tmp/$world.configure.log" >&2; die "configuring build/$world failed"; }
    fi
    local configured
    configured=$(sed -n 's/^SEL4_PREFIX:PATH=//p' "$build/CMakeCache.txt")
    [[ $configured == "$prefix" ]] ||
        die "build/$world was configured for the kernel at $configured, not $prefix; reconfigure it with SEL4_PREFIX=$prefix cmake --preset $world"
    cmake --build --preset "$world" --target sel4-generated --parallel 2 >"$tmp/$world.build.log" 2>&1 ||
        { cat "$tmp/$world.build.log" >&2; die "building the generated headers of world $world failed"; }

    # Compiled in $tmp, so that the commands shown name their outputs relative to it.
    local c_cmd=("$cc" -std=gnu11 -ffreestanding -O2 "${flags[@]}" -I"$prefix/libsel4/include"
        -c "$sources/libsel4.c" -o "$world-libsel4.o")
    local cxx_cmd=("$cxx" -std=c++23 -ffreestanding -fno-exceptions -fno-rtti -O2 "${flags[@]}"
        -DCPP_SEL4_IPC_BUFFER_TLS=1 -I"$root/libs/sel4/include" -I"$root/libs/sel4/arch/$arch/include"
        -I"$build/libs/sel4/generated" -c "$sources/cpp_sel4.cpp" -o "$world-cpp_sel4.o")
    (cd "$tmp" && "${c_cmd[@]}") || die "compiling the libsel4 side for world $world failed: ${c_cmd[*]}"
    (cd "$tmp" && "${cxx_cmd[@]}") || die "compiling the cpp-sel4 side for world $world failed: ${cxx_cmd[*]}"

    local -A count external
    local symbol n ext
    while read -r symbol n ext; do
        count[$symbol]=$n
        external[$symbol]=$ext
    done < <(count_instructions "$objdump" "$tmp/$world-libsel4.o"; count_instructions "$objdump" "$tmp/$world-cpp_sel4.o")

    local mcs=no
    grep -q '"KERNEL_MCS": true' "$prefix/libsel4/include/kernel/gen_config.json" && mcs=yes
    echo
    echo "== $world (kernel $prefix, MCS: $mcs)"
    echo "libsel4:  ${c_cmd[*]}"
    echo "cpp-sel4: ${cxx_cmd[*]}"
    echo
    local row="%-20s | %7s | %13s | %14s | %s\n" header
    # shellcheck disable=SC2059
    header=$(printf "$row" case libsel4 "cpp-sel4 stub" "cpp-sel4 typed" "difference (stub, typed)")
    echo "$header"
    sed 's/[^|]/-/g; s/|/+/g' <<<"$header"
    local entry name label form base longer=() notes=()
    for entry in "${cases[@]}"; do
        name=${entry%%:*} label=${entry#*:}
        local cells=() diffs=() worse=""
        for form in c stub typed; do
            symbol=${form}_$name
            n=${count[$symbol]:-}
            [[ -n $n ]] || die "no function $symbol in bench/bindings for world $world"
            ext=${external[$symbol]}
            if [[ $ext == - ]]; then
                cells+=("$n")
            else
                cells+=("$n*")
                notes+=("$symbol also calls $ext (not counted)")
            fi
            if [[ $form == c ]]; then
                base=$n
                continue
            fi
            diffs+=("$(printf '%+d' $((n - base)))")
            if ((n > base)) || [[ $ext != - && $ext != "${external[c_$name]}" ]]; then
                worse+="${worse:+, }$form ${diffs[-1]}"
            fi
        done
        # shellcheck disable=SC2059
        printf "$row" "$label" "${cells[@]}" "${diffs[0]}, ${diffs[1]}"
        [[ -z $worse ]] || longer+=("$label ($worse)")
    done
    local note
    for note in "${notes[@]}"; do echo "* $note"; done
    if ((${#longer[@]} == 0)); then
        echo "verdict $world: no cpp-sel4 case is longer than libsel4"
    else
        local joined
        printf -v joined '%s; ' "${longer[@]}"
        echo "verdict $world: cpp-sel4 is longer than libsel4 in: ${joined%; }"
    fi
}

worlds=("$@")
((${#worlds[@]})) || worlds=(x86_64 aarch64 riscv64 aarch64-mcs)
if [[ -n ${SEL4_PREFIX:-} ]] && ((${#worlds[@]} != 1)); then
    die "SEL4_PREFIX names one kernel: give exactly one world with it"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf 'command: (cd %q &&%s' "$root" "${SEL4_PREFIX:+ SEL4_PREFIX=$(printf '%q' "$SEL4_PREFIX")}"
printf ' %q' bench/bindings.sh "$@"
printf ')\n'
echo "instructions per wrapper, at -O2; counts include the functions a wrapper calls in the same object"
echo "both sides reach the IPC buffer through a thread-local pointer, with the same TLS model (see bench/bindings/libsel4.c)"

for world in "${worlds[@]}"; do
    [[ -f $root/cmake/worlds/$world.cmake ]] || die "unknown world $world (worlds: cmake/worlds/*.cmake)"
    prefix=${SEL4_PREFIX:-/opt/sel4/$world}
    if [[ ! -f $prefix/bin/kernel.elf || ! -f $prefix/libsel4/include/kernel/gen_config.json ]]; then
        echo
        echo "== $world: SKIPPED, no seL4 kernel installed at $prefix"
        echo "bench/bindings.sh: warning: world $world skipped: no seL4 kernel at $prefix" >&2
        continue
    fi
    bench_world "$world" "$prefix"
done
