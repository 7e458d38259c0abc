#!/usr/bin/env bash
# The costs of the async layer (libs/queue, libs/async), bench/async/ has the programs:
#
# 1. Host: sel4::queue::net::Queue's throughput against a reference, sDDF 0.7's net queue
#    written plainly in C (bench/async/reference_queue.h): one thread doing batches of 32
#    enqueues then 32 dequeues (32,000,000 items), and two threads, a producer and a consumer,
#    moving 20,000,000 descriptors through a queue of 512 (each yields when it cannot go on).
#    Best of five runs each, the two implementations taking turns; every item is checked.
#    Wall time on a shared machine: the load average is printed with the table.
# 2. Per Microkit world, the PD bench-async-ops (bench/async/ops.cpp) under QEMU with
#    -icount shift=0 (one instruction per ns of virtual time; instructions = counter ticks
#    * 1e9 / Hz, as bench/microkit.sh): the same queue operations in instructions, C++ against
#    the C reference (both without SMP barriers: the Microkit kernels run on one core), the
#    batch signalling handshake, and the executor (sel4::async): the instructions a co_await
#    of an operation that is already ready adds to an empty loop iteration (a set Event; a
#    Task<int> that co_returns at once, against a plain call), a co_await yield() (through
#    the ready queue and back), and the bytes of the coroutine frames (the frame pool's
#    statistics: what the compiler asked for, and the block the pool's size class gives).
# 3. Per Microkit world, async.ping-pong's system (tests/async/ping-pong): 100,000 messages
#    each way through sDDF queues of 64 with the signalling protocol: messages per
#    notification each way, and ping's task frame.
#
#   bench/async.sh [WORLD...]   (default: microkit-aarch64 microkit-riscv64 microkit-x86_64)
#
# Builds in BENCH_BUILD_ROOT (default build/): bench-host (the host preset with
# -DCPP_SEL4_BENCH=ON, target queue-throughput) and bench-WORLD (the world's preset with
# -DCPP_SEL4_BENCH=ON, target bench-async, the directories bench/microkit.sh uses too). The
# worlds use the host tools of CPP_SEL4_HOST_BUILD (default build/host, when it is built).
# A world without its kernel is skipped.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=${BENCH_BUILD_ROOT:-$repo/build}
host_tools=${CPP_SEL4_HOST_BUILD:-$repo/build/host}
worlds=("$@")
[ ${#worlds[@]} -gt 0 ] || worlds=(microkit-aarch64 microkit-riscv64 microkit-x86_64)
timeout_s=120

qemu_pid=""
trap 'if [ -n "$qemu_pid" ]; then kill "$qemu_pid" 2>/dev/null || true; fi' EXIT

# boot LOG IMAGE_DIR DONE: boots a Microkit system under -icount shift=0 until the line DONE,
# a failure or $timeout_s; the serial output in LOG.
boot() {
    local log=$1 dir=$2 done_line=$3
    local image=(-kernel "$dir/loader.img")
    [ -f "$dir/sel4_32.elf" ] && image=(-kernel "$dir/sel4_32.elf" -initrd "$dir/loader.img")
    : >"$log"
    # shellcheck disable=SC2086 # the command line's words
    timeout "$timeout_s" $qemu -icount shift=0 "${image[@]}" </dev/null >"$log" 2>&1 &
    qemu_pid=$!
    while kill -0 "$qemu_pid" 2>/dev/null; do
        grep -q -a -E "$done_line|cpp-sel4: aborted|MON\|ERROR|FAIL" "$log" && break
        sleep 0.2
    done
    sleep 0.2 # the rest of the last line
    kill "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
    qemu_pid=""
}

# ticks LOG WHAT: the ticks of `bench-async: WHAT <n> rounds <ticks> ticks at <hz> Hz`.
ticks() { grep -m1 -a "bench-async: $2 " "$1" | awk '{ print $5 }'; }

echo "command: bench/async.sh ${worlds[*]}"

# 1. The host.
host_build=$root/bench-host
mkdir -p "$host_build"
cmake --preset host -B "$host_build" -DCPP_SEL4_BENCH=ON >"$host_build.configure.log" 2>&1 || {
    tail -30 "$host_build.configure.log"
    exit 1
}
cmake --build "$host_build" --target queue-throughput >"$host_build.build.log" 2>&1 || {
    tail -30 "$host_build.build.log"
    exit 1
}
host_out=$host_build/queue-throughput.txt
"$host_build/bench/async/queue-throughput" >"$host_out"
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
host_table=$(awk '
    $1 == "bench-async:" && $2 == "host" {
        key = $3; impl = $4; items[key] = $5; ns[key, impl] = $7; wrong[key, impl] = $9
        if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
    }
    END {
        for (i = 1; i <= n; i++) {
            k = order[i]
            for (j = 1; j <= 2; j++) {
                impl = j == 1 ? "cxx" : "c"; name = j == 1 ? "C++ sel4::queue" : "C reference"
                t = ns[k, impl] / items[k]
                ratio = j == 1 ? sprintf("%.3f", ns[k, "cxx"] / ns[k, "c"]) : "-"
                printf "%-8s %-16s %10d %9.2f %10.1f %8s %6d\n", k, name, items[k], t, 1e3 / t, ratio, wrong[k, impl]
            }
        }
    }' "$host_out")

# 2. and 3. The worlds.
ops_table=() await_table=() frame_table=() pingpong_table=()
for world in "${worlds[@]}"; do
    prefix=${SEL4_PREFIX:-/opt/sel4/$world}
    if [ ! -f "$prefix/libsel4/include/kernel/gen_config.json" ]; then
        echo "$world: skipped: no kernel at $prefix"
        continue
    fi
    build=$root/bench-$world
    mkdir -p "$build"
    host_arg=()
    [ -x "$host_tools/tools/qemu-runner/sel4-qemu-run" ] && host_arg=(-DCPP_SEL4_HOST_BUILD="$host_tools")
    cmake --preset "$world" -B "$build" -DCPP_SEL4_BENCH=ON "${host_arg[@]}" >"$build.configure.log" 2>&1 || {
        tail -30 "$build.configure.log"
        exit 1
    }
    cmake --build "$build" --target bench-async -- -j2 >"$build.build.log" 2>&1 || {
        tail -30 "$build.build.log"
        exit 1
    }
    # QEMU's command line for this world, from async.ping-pong's test, without its image.
    qemu=$(ctest --test-dir "$build" -R '^async\.ping-pong$' -N -V | sed -n 's/.* "--" \(.*\) "-kernel" .*/\1/p' |
           sed 's/.*"--" //' | tr -d '"')
    [ -n "$qemu" ] || { echo "$world: skipped: no async.ping-pong test to take QEMU's command line from"; continue; }

    log=$build/bench/async/bench-async-ops/qemu.log
    boot "$log" "$build/bench/async/bench-async-ops" "bench-async: done"
    if ! grep -q -a "bench-async: done" "$log" || grep -q -a "FAIL" "$log"; then
        failure=$(grep -m1 -a -E 'cpp-sel4: aborted|MON\|ERROR|FAIL' "$log" || true)
        ops_table+=("$(printf '%-17s failed: %s' "$world" "${failure:-no result within $timeout_s s (see $log)}")")
        continue
    fi
    hz=$(grep -m1 -a 'bench-async: loop ' "$log" | awk '{ print $8 }')
    if [ "$hz" = 0 ]; then # riscv64, x86_64: the initializer's frequency; x86_64's TSC counts ns
        case $world in
        *x86_64*) hz=1000000000 ;;
        *) hz=$(grep -m1 -a 'capdl-initializer: started' "$log" | sed -n 's/.* at \([0-9]*\) Hz).*/\1/p') ;;
        esac
    fi
    ops_table+=("$(awk -v w="$world" -v hz="$hz" -v qc="$(ticks "$log" queue-cxx)" -v qr="$(ticks "$log" queue-c)" \
        -v sc="$(ticks "$log" signal-cxx)" -v sr="$(ticks "$log" signal-c)" 'BEGIN {
        f = 1e9 / hz
        printf "%-17s %-34s %8.1f %8.1f %7.3f\n", w, "enqueue + dequeue, per item", qc * f / 32000, qr * f / 32000, qc / qr
        printf "%-17s %-34s %8.1f %8.1f %7.3f", w, "signalling handshake, per batch", sc * f / 10000, sr * f / 10000, sc / sr }')")
    await_table+=("$(awk -v w="$world" -v hz="$hz" -v loop="$(ticks "$log" loop)" -v ev="$(ticks "$log" await-event)" \
        -v task="$(ticks "$log" await-task)" -v call="$(ticks "$log" call)" -v y="$(ticks "$log" await-yield)" 'BEGIN {
        f = 1e9 / hz / 10000; l = loop * f
        printf "%-17s %-38s %9.1f %9s %7s\n", w, "co_await a set Event", ev * f - l, "-", "-"
        printf "%-17s %-38s %9.1f %9.1f %7.2f\n", w, "co_await a ready Task<int> / a call", task * f - l, call * f - l,
               (task - loop) / (call - loop)
        printf "%-17s %-38s %9.1f %9s %7s", w, "co_await yield() (ready queue)", y * f - l, "-", "-" }')")
    frames=$(grep -a 'bench-async: frame ' "$log" | awk '{ printf "%s %s (%s), ", $3, $4, $7 }')

    log=$build/tests/async/ping-pong/async-ping-pong/bench-qemu.log
    boot "$log" "$build/tests/async/ping-pong/async-ping-pong" "ping-pong: test passed"
    line=$(grep -m1 -a 'ping-pong: messages per notification: ' "$log" || true)
    pool=$(grep -m1 -a "ping-pong: ping's frame pool: " "$log" || true)
    if [ -z "$line" ] || ! grep -q -a 'ping-pong: test passed' "$log"; then
        failure=$(grep -m1 -a -E 'cpp-sel4: aborted|MON\|ERROR|FAIL' "$log" || true)
        pingpong_table+=("$(printf '%-17s failed: %s' "$world" "${failure:-no result within $timeout_s s (see $log)}")")
    else
        pingpong_table+=("$(echo "$line" | sed -n 's/.*ping->pong \([0-9.]*\) (\([0-9]*\) notifications), pong->ping \([0-9.]*\) (\([0-9]*\) notifications); wake-ups: ping \([0-9]*\), pong \([0-9]*\).*/\1 \2 \3 \4 \5 \6/p' |
            awk -v w="$world" '{ printf "%-17s %10s %8d %10s %8d %8d %8d", w, $1, $2, $3, $4, $5, $6 }')")
        frames="${frames}ping-pong task $(echo "$pool" | sed -n 's/.*task frame \([0-9]*\) bytes.*/\1/p')"
    fi
    frame_table+=("$(printf '%-17s %s' "$world" "${frames%, }")")
done

echo
echo "Host queue throughput (wall time, best of 5; load average $load)"
printf '%-8s %-16s %10s %9s %10s %8s %6s\n' case queue items "ns/item" "Mitems/s" "C++/C" wrong
echo "$host_table"
echo
echo "Queue operations on target (instructions, QEMU -icount shift=0; C reference: sDDF 0.7's queue in C)"
printf '%-17s %-34s %8s %8s %7s\n' world operation "C++" "C" "C++/C"
printf '%s\n' "${ops_table[@]}"
echo
echo "Executor overhead (instructions per co_await beyond an empty loop iteration, 10,000 each)"
printf '%-17s %-38s %9s %9s %7s\n' world operation "co_await" reference ratio
printf '%s\n' "${await_table[@]}"
echo
echo "Task frames (bytes the compiler asks for, and the frame pool's block in parentheses)"
printf '%s\n' "${frame_table[@]}"
echo
echo "async.ping-pong (100,000 messages each way, queues of 64, notify only on request)"
printf '%-17s %10s %8s %10s %8s %8s %8s\n' world "ping->pong" notifies "pong->ping" notifies "ping wk" "pong wk"
printf '%s\n' "${pingpong_table[@]}"
echo
echo "(messages per notification; wk: wake-ups, each one notified() call)"
