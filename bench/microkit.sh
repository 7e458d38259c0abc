#!/usr/bin/env bash
# The Microkit stack's costs, per Microkit world (bench/microkit/ has the programs):
#
# 1. Round trips between two PDs, the C API (libmicrokit's microkit.h) against the C++ Handler
#    API (sel4/microkit.hpp): a client PD and a server PD at a higher priority (the client's
#    channel end pp="true"); in one boot the client makes ROUNDS (10,000) protected calls
#    (microkit_ppcall / mk::Channel::call, one message register that the server increments),
#    then a notify ping-pong of ROUNDS round trips (it notifies, the server's notified()
#    notifies back, the client counts in notified()). It reads the counter around each loop.
#    Systems: C client and server, C++ on cxx-minimal, C++ on the full runtime cxx, and the
#    two mixed pairs of C and cxx-minimal. Printed: instructions per round trip and the
#    ratio to the C pair.
# 2. A 63-PD system (Microkit's most): one ELF for every PD (node-c, or node-cxx-minimal),
#    channels between neighbours. The SDK's tool (bin/microkit with MICROKIT_SDK and the
#    arguments add_sel4_microkit_system gives it) builds it under /usr/bin/time -v, three times: the
#    median wall time and the largest maximum RSS. Then the system boots, and each PD
#    prints its counter first thing in its init: the boot time is the initializer's own
#    time (its `started N threads (..., T counter ticks at F Hz)` line) plus the time from
#    the first PD's init to the last one's. That leaves out what lies between the
#    initializer's end and the first PD's init (the initializer's line, its suspend, the
#    monitor's start), a few PD inits' worth; "since reset" is the last PD's counter itself,
#    which also counts the loader and the kernel's boot.
#
# QEMU runs with -icount shift=0: each instruction is 1 ns of virtual time, and the counter
# follows virtual time, so instructions = ticks * 1e9 / Hz (aarch64: the counter's frequency
# from CNTFRQ_EL0, read by the client; riscv64 the one the initializer reports, the device
# tree's timebase; x86_64 1 GHz: QEMU's TSC counts virtual nanoseconds under -icount, which
# the kernel's calibration, in whole MHz, reports as 999 MHz).
#
#   bench/microkit.sh [WORLD...]   (default: microkit-aarch64 microkit-riscv64 microkit-x86_64)
#
# Each world builds in its own directory build/bench-WORLD (-DCPP_SEL4_BENCH=ON, target
# bench-microkit), configured and built here; a world without its kernel is skipped.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
worlds=("$@")
[ ${#worlds[@]} -gt 0 ] || worlds=(microkit-aarch64 microkit-riscv64 microkit-x86_64)
pairs=(c:c cxx-minimal:cxx-minimal cxx:cxx c:cxx-minimal cxx-minimal:c)
nodes=(c cxx-minimal)
pd_count=63
builder_runs=3
timeout_s=300
if [ -x /usr/bin/time ]; then
    gnu_time=1
else
    gnu_time=0 # no Debian package `time`: bash's time and a VmHWM wrapper instead
fi

# A QEMU still running when the script ends (interrupted) is stopped.
qemu_pid=""
trap 'if [ -n "$qemu_pid" ]; then kill "$qemu_pid" 2>/dev/null || true; fi' EXIT

# boot LOG IMAGE_DIR: boots a Microkit system under -icount shift=0 until `bench-microkit:
# done`, the last of $pd_count PD inits, a failure, or $timeout_s; the serial output in LOG.
boot() {
    local log=$1 dir=$2 want_inits=${3:-0}
    local image=(-kernel "$dir/loader.img")
    [ -f "$dir/sel4_32.elf" ] && image=(-kernel "$dir/sel4_32.elf" -initrd "$dir/loader.img")
    : >"$log" # before QEMU's shell opens it, for the greps below
    # shellcheck disable=SC2086 # the command line's words
    timeout "$timeout_s" $qemu -icount shift=0 "${image[@]}" </dev/null >"$log" 2>&1 &
    local pid=$!
    qemu_pid=$pid
    local failure='cpp-sel4: aborted|MON\|ERROR|wrong answers|capdl-initializer: .*(failed|error)'
    while kill -0 "$pid" 2>/dev/null; do
        grep -q -a -E "bench-microkit: done|$failure" "$log" && break
        if [ "$want_inits" -gt 0 ] && [ "$(grep -c -a 'bench-microkit: init ' "$log")" -ge "$want_inits" ]; then
            sleep 0.5 # the last line's end
            break
        fi
        sleep 0.2
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    qemu_pid=""
}

# The initializer's result line of a boot's log.
initializer_line() { grep -m1 -a 'capdl-initializer: started' "$1" || true; }

# per_op LINE HZ: instructions per round of a client's line `bench-microkit: <what> <rounds>
# rounds <ticks> ticks at <hz> Hz` (hz 0: HZ, the initializer's).
per_op() {
    echo "$1" | awk -v fallback="$2" '{ rounds = $3; ticks = $5; hz = $8; if (hz == 0) hz = fallback
                                        printf "%.1f\n", ticks * 1e9 / hz / rounds }'
}

# run_builder DIR SYSTEM: the builder on SYSTEM once, its outputs in DIR; prints "wall_s rss_kb".
run_builder() {
    local dir=$1 system=$2
    rm -f "$dir/loader.img"
    local command=(env MICROKIT_SDK="$sdk" "$sdk/bin/microkit" "$system" --board "$board" --config debug
                   --image-type elf --search-path "$build/bench/microkit" -o "$dir/loader.img" -r "$dir/report.txt")
    if [ "$gnu_time" = 1 ]; then
        /usr/bin/time -v -o "$dir/time.txt" "${command[@]}" >"$dir/builder.log" 2>&1
        awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
                    /Maximum resident set size/ { rss = $2 } END { printf "%.3f %d\n", wall, rss }' "$dir/time.txt"
    else
        # bash's time for the wall time; the peak RSS from the builder's own /proc/<pid>/status
        # (VmHWM), read by a wrapper shell that execs it and reports before it exits.
        local start end
        start=$(date +%s.%N)
        bash -c 'hwm() { sed -n "s/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/$1/status; }
                 "$@" & pid=$!; peak=0
                 while kill -0 $pid 2>/dev/null; do v=$(hwm $pid); [ -n "$v" ] && [ "$v" -gt "$peak" ] && peak=$v; sleep 0.01; done
                 wait $pid; echo $peak >&3' _ "${command[@]}" 3>"$dir/hwm.txt" >"$dir/builder.log" 2>&1
        end=$(date +%s.%N)
        awk -v s="$start" -v e="$end" -v r="$(cat "$dir/hwm.txt")" 'BEGIN { printf "%.3f %d\n", e - s, r }'
    fi
}

echo "command: bench/microkit.sh ${worlds[*]}"
[ "$gnu_time" = 1 ] || echo "note: /usr/bin/time is missing (Debian package time): bash's time and VmHWM sampling instead"
round_trip_table=()
system_table=()
for world in "${worlds[@]}"; do
    prefix=${SEL4_PREFIX:-/opt/sel4/$world}
    if [ ! -f "$prefix/libsel4/include/kernel/gen_config.json" ]; then
        echo "$world: skipped: no kernel at $prefix"
        continue
    fi
    build=$repo/build/bench-$world
    mkdir -p "$build"
    cmake --preset "$world" -B "$build" -DCPP_SEL4_BENCH=ON >"$build.configure.log" 2>&1 || {
        tail -30 "$build.configure.log"
        exit 1
    }
    cmake --build "$build" --target bench-microkit -- -j2 >"$build.build.log" 2>&1 || {
        tail -30 "$build.build.log"
        exit 1
    }
    sdk=$build/microkit-sdk
    board=$(sed -n 's/^ *MICROKIT_BOARD \([A-Za-z0-9_]*\).*/\1/p' "$repo/cmake/worlds/$world.cmake")
    # QEMU's command line for this world, from the microkit.hello test's, without its image.
    qemu=$(ctest --test-dir "$build" -R '^microkit\.hello$' -N -V | sed -n 's/.* "--" \(.*\) "-kernel" .*/\1/p' | tr -d '"')
    [ -n "$qemu" ] || { echo "$world: skipped: no microkit.hello test to take QEMU's command line from"; continue; }

    fixed_hz="" # the counter's frequency where the initializer's is not exact (see above)
    case $world in *x86_64*) fixed_hz=1000000000 ;; esac

    # 1. Round trips.
    ppc_c="" notify_c=""
    for pair in "${pairs[@]}"; do
        client=${pair%%:*} server=${pair##*:}
        name=bench-microkit-$client-$server
        dir=$build/bench/microkit/$name
        log=$dir/qemu.log
        boot "$log" "$dir"
        hz_init=${fixed_hz:-$(initializer_line "$log" | sed -n 's/.* at \([0-9]*\) Hz).*/\1/p')}
        ppc=$(grep -m1 -a 'bench-microkit: ppc ' "$log" || true)
        notify=$(grep -m1 -a 'bench-microkit: notify ' "$log" || true)
        if [ -z "$ppc" ] || [ -z "$notify" ]; then
            failure=$(grep -m1 -a -E 'cpp-sel4: aborted|MON\|ERROR|wrong answers' "$log" || true)
            round_trip_table+=("$(printf '%-17s %-25s failed: %s' "$world" "$client -> $server" "${failure:-no result within $timeout_s s (see $log)}")")
            continue
        fi
        ppc_i=$(per_op "$ppc" "$hz_init")
        notify_i=$(per_op "$notify" "$hz_init")
        if [ "$pair" = c:c ]; then
            ppc_c=$ppc_i notify_c=$notify_i
        fi
        round_trip_table+=("$(awk -v w="$world" -v p="$client -> $server" -v a="$ppc_i" -v b="$notify_i" \
            -v ac="$ppc_c" -v bc="$notify_c" 'BEGIN {
            ra = ac != "" ? sprintf("%.3f", a / ac) : "-"; rb = bc != "" ? sprintf("%.3f", b / bc) : "-"
            printf "%-17s %-25s %10.1f %8s %10.1f %8s", w, p, a, ra, b, rb }')")
    done

    # 2. The 63-PD system: builder and boot.
    for node in "${nodes[@]}"; do
        dir=$build/bench-microkit-$pd_count/$node
        rm -rf "$dir"
        mkdir -p "$dir"
        system=$dir/pd$pd_count.system
        {
            echo '<?xml version="1.0" encoding="UTF-8"?>'
            echo "<!-- bench/microkit.sh: $pd_count PDs of node-$node.elf, a channel between each pair of neighbours. -->"
            echo '<system>'
            for ((i = 0; i < pd_count; i++)); do
                printf '    <protection_domain name="node%02d" priority="100">\n' "$i"
                printf '        <program_image path="node-%s.elf" />\n' "$node"
                printf '    </protection_domain>\n'
            done
            for ((i = 0; i + 1 < pd_count; i++)); do
                printf '    <channel>\n        <end pd="node%02d" id="1" />\n        <end pd="node%02d" id="0" />\n    </channel>\n' \
                    "$i" "$((i + 1))"
            done
            echo '</system>'
        } >"$system"
        walls=() rss_max=0 ok=1
        for ((run = 0; run < builder_runs; run++)); do
            if ! read -r wall rss < <(run_builder "$dir" "$system") || [ ! -f "$dir/loader.img" ]; then
                ok=0
                break
            fi
            walls+=("$wall")
            [ "$rss" -gt "$rss_max" ] && rss_max=$rss
        done
        if [ "$ok" = 0 ]; then
            system_table+=("$(printf '%-17s %-17s builder failed: %s' "$world" "node-$node" "$(tail -n 1 "$dir/builder.log")")")
            continue
        fi
        wall_median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((builder_runs + 1) / 2))p")
        log=$dir/qemu.log
        boot "$log" "$dir" "$pd_count"
        line=$(initializer_line "$log")
        inits=$(grep -a -c 'bench-microkit: init ' "$log" || true)
        if [ -z "$line" ] || [ "$inits" -lt "$pd_count" ]; then
            system_table+=("$(printf '%-17s %-17s %8.2f %9d  boot failed: %s PD inits of %s (see %s)' "$world" "node-$node" \
                "$wall_median" "$rss_max" "$inits" "$pd_count" "$log")")
            continue
        fi
        read -r threads objects ticks hz < <(echo "$line" |
            sed -n 's/.*started \([0-9]*\) threads (\([0-9]*\) objects, [0-9]* system calls, \([0-9]*\) counter ticks at \([0-9]*\) Hz.*/\1 \2 \3 \4/p')
        hz=${fixed_hz:-$hz}
        read -r first last < <(grep -a 'bench-microkit: init ' "$log" | sed 's/.* at \([0-9]*\).*/\1/' |
                               sort -n | awk 'NR == 1 { f = $1 } { l = $1 } END { print f, l }')
        system_table+=("$(awk -v w="$world" -v n="node-$node" -v wall="$wall_median" -v rss="$rss_max" -v th="$threads" \
            -v ob="$objects" -v t="$ticks" -v hz="$hz" -v f="$first" -v l="$last" 'BEGIN {
            init = t * 1e9 / hz; pds = (l - f) * 1e9 / hz
            printf "%-17s %-17s %8.2f %9d %7d %7d %12.0f %12.0f %12.0f %12.0f", w, n, wall, rss, th, ob, init, pds,
                   init + pds, l * 1e9 / hz }')")
    done
done

echo
echo "Round trips (instructions per round trip, QEMU -icount shift=0; ratio to the C pair; 10,000 rounds)"
printf '%-17s %-25s %10s %8s %10s %8s\n' world "client -> server" ppc ratio notify ratio
printf '%s\n' "${round_trip_table[@]}"
echo
echo "$pd_count-PD system (builder: median of $builder_runs runs, wall s and max RSS KiB; boot: instructions)"
printf '%-17s %-17s %8s %9s %7s %7s %12s %12s %12s %12s\n' world pd "wall s" "RSS KiB" threads objects initializer \
    "PD inits" boot "since reset"
printf '%s\n' "${system_table[@]}"
