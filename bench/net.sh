#!/usr/bin/env bash
# TCP through QEMU's user network on microkit-aarch64: cpp-sel4's echo server against a Linux
# guest in the same QEMU command line, in one run, as ratios.
#
# Both systems boot, one after the other (never two QEMUs at once), under the world's QEMU
# command (CPP_SEL4_QEMU_COMMAND of cmake/worlds/microkit-aarch64.cmake: -machine
# virt,virtualization=on -cpu cortex-a53 -smp 1 -m 2048M, TCG) with the same network:
#   -global virtio-mmio.force-legacy=false -netdev user,id=net0,hostfwd=tcp:127.0.0.1:PORT-:1234
#   -device virtio-net-device,netdev=net0,bus=virtio-mmio-bus.0 -device virtio-rng-device,bus=virtio-mmio-bus.2
# (PORT a free loopback port chosen at run time; the rng feeds the echo server's TCP sequence
# numbers) and the same extra devices (--qemu-extra).
#   1. cpp-sel4: the Microkit system examples/microkit/echo-server (lwIP over the virtio-net
#      driver PD, DHCP from QEMU, TCP echo on port 1234); ready at `... listening on A:1234`.
#   2. Linux: Debian's arm64 kernel (linux-image-arm64's current linux-image-*-arm64) with an
#      initramfs made here: Debian's busybox-static:arm64, bench/net/init as /init (loads the
#      kernel's virtio_mmio, virtio_net, net_failover and failover modules, DHCP with udhcpc and
#      bench/net/udhcpc.script, a TCP echo server on 1234: busybox `nc -lll... -e cat`, a
#      process per connection, its listen backlog as long as its -l's), booted with -kernel vmlinuz -initrd initramfs.gz -append "console=ttyAMA0
#      quiet"; ready at `linux-guest|INFO: listening on A:1234`.
# For each, after a warm-up (a tcp-echo of a tenth of --bytes, checked too), the host client
# (tests/support/net-client.py) measures, --runs times in the same boot (the best is shown, each
# run is printed):
#   - throughput: `tcp-echo`: --bytes in total over --connections concurrent connections,
#     echoed back byte-identical (MB/s, the client's figure: 10^6 bytes sent per second);
#   - connection rate: `tcp-rate`: connections per second for --seconds, --rate-connections
#     at a time (default 1: one after the other), each sends 16 bytes and checks the echo;
#   - boot to ready: wall seconds from QEMU's start to the ready line on its serial output
#     (polled every 50 ms; for Linux this includes the kernel's decompression and the DHCP).
# The table has both columns and cpp-sel4 / Linux: above 1 is better for cpp-sel4 in the first
# two rows, below 1 in the boot row. Everything is TCG on a shared 2-core host: the load
# average is printed; compare ratios of one run, not numbers across runs. Why the best of runs:
# QEMU's user network accepts the host's connections on a listening socket with a backlog of 1,
# so of --connections opened at once the host kernel drops some SYNs and the client sends them
# again a second (or 3, 7 s) later: the same for both systems, but a run with such a stall
# shows a fraction of the throughput.
# The Linux guest's echo server forks and execs a cat for each connection: the connection rate
# row compares cpp-sel4 with that (busybox-static has no single-process echo server).
#
#   bench/net.sh [--bytes SIZE] [--connections N] [--seconds S] [--rate-connections N]
#                [--runs N] [--linux-only] [--no-offloads] [--image LOADER_IMG] [--qemu-extra "ARGS"]
#                [--timeout S]
#   --no-offloads: the virtio-net device offers neither checksum offload nor TSO/GSO nor merged
#   rx buffers (what cpp-sel4's driver takes anyway: VERSION_1 and MAC only), so Linux sends
#   and receives one frame per MSS as the echo server does.
#   defaults: --bytes 10M (K, M, G: KiB, MiB, GiB) --connections 16 --seconds 10
#             --rate-connections 1 --runs 5 --timeout 600 (each QEMU's whole life)
#
# Needs (scripts/setup.sh installs them): qemu-system-arm, python3, cpio, dpkg-dev, and apt
# with the arm64 architecture (`dpkg --add-architecture arm64 && apt-get update`): the Linux
# guest's machinery is bench/linux-guest.sh's (shared with bench/http.sh): it fetches
# linux-image-*-arm64 and busybox-static:arm64 with `apt-get download` into
# BENCH_BUILD_ROOT/bench-linux/debs (default build/, never committed) and unpacks them there with
# `dpkg-deb -x`; the initramfs and the logs are in BENCH_BUILD_ROOT/bench-net. It builds nothing
# else: the echo server's image
# comes from `cmake --build build/microkit-aarch64 --target microkit-echo-server` (or --image).
# NET_CLIENT overrides the client script; LINUX_PACKAGE the kernel package (e.g.
# linux-image-6.1.0-57-arm64).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=${BENCH_BUILD_ROOT:-$repo/build}
work=$root/bench-net
client_script=${NET_CLIENT:-$repo/tests/support/net-client.py}
world=microkit-aarch64
guest_port=1234

bytes_arg=10M connections=16 seconds=10 rate_connections=1 runs=5 linux_only=0 image="" qemu_extra="" timeout_s=600
net_device_options=
usage() { sed -n '/^#   bench\/net.sh/,/^#   defaults/p' "$0" | sed 's/^# \{0,3\}//'; }
while [ $# -gt 0 ]; do
    case $1 in
    --bytes) bytes_arg=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rate-connections) rate_connections=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --linux-only) linux_only=1; shift ;;
    --no-offloads)
        net_device_options=",csum=off,guest_csum=off,gso=off,host_tso4=off,host_tso6=off,host_ufo=off"
        net_device_options+=",guest_tso4=off,guest_tso6=off,guest_ufo=off,guest_ecn=off,host_ecn=off,mrg_rxbuf=off"
        shift ;;
    --image) image=$2; shift 2 ;;
    --qemu-extra) qemu_extra=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench/net.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
case $bytes_arg in
*[Kk]) bytes=$((${bytes_arg%?} * 1024)) ;;
*[Mm]) bytes=$((${bytes_arg%?} * 1024 * 1024)) ;;
*[Gg]) bytes=$((${bytes_arg%?} * 1024 * 1024 * 1024)) ;;
*) bytes=$bytes_arg ;;
esac
for n in "$bytes" "$connections" "$seconds" "$rate_connections" "$runs" "$timeout_s"; do
    if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -eq 0 ]; then
        echo "bench/net.sh: not a positive number: $n" >&2
        exit 2
    fi
done

echo "command: bench/net.sh --bytes $bytes_arg --connections $connections --seconds $seconds" \
     "--rate-connections $rate_connections --runs $runs$([ "$linux_only" = 1 ] && echo ' --linux-only')$([ -n "$net_device_options" ] && echo ' --no-offloads')"

[ -f "$client_script" ] || {
    echo "bench/net.sh: no client $client_script (tests/support/net-client.py; NET_CLIENT=... to use another)" >&2
    exit 1
}

# The echo server's image.
if [ "$linux_only" = 0 ]; then
    if [ -z "$image" ]; then
        image=$(find "$repo/build/$world/examples/microkit/echo-server" -name loader.img 2>/dev/null | head -n 1 || true)
    fi
    if [ -z "$image" ] || [ ! -f "$image" ]; then
        echo "bench/net.sh: no echo-server image${image:+ at $image}; build it with" >&2
        echo "  cmake --preset $world -B build/$world && cmake --build build/$world --target microkit-echo-server" >&2
        echo "or pass --image PATH/loader.img (--linux-only measures the Linux guest alone)" >&2
        exit 1
    fi
fi

guest_script=bench/net.sh guest_work=$work guest_timeout=$timeout_s
# shellcheck source=bench/linux-guest.sh
source "$repo/bench/linux-guest.sh"
guest_qemu_command "$world"

# --- The Linux guest: the kernel, busybox, the init and the network's modules. ---
guest_kernel
guest_initramfs_start "$repo/bench/net/init"
install -m 755 "$repo/bench/net/udhcpc.script" "$guest_root/etc/udhcpc.script"
guest_add_modules VIRTIO_MMIO:virtio_mmio VIRTIO_NET:virtio_net NET_FAILOVER:net_failover FAILOVER:failover
guest_initramfs_pack

# --- Booting and measuring. ---
best() { printf '%s\n' "$@" | sort -g | tail -n 1; }

# run_client NAME PORT WHAT ARGS...: the client's WHAT against 127.0.0.1:PORT; its summary line
# in $out, or false and a note in $result_note.
run_client() {
    local name=$1 port=$2 what=$3
    shift 3
    if ! out=$(python3 "$client_script" "$what" --host 127.0.0.1 --port "$port" "$@" 2>&1); then
        result_note="$name: $what $*: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
        return 1
    fi
    out=$(echo "$out" | grep -a "^$what: " | tail -n 1)
}

# measure NAME READY FAILURE QEMU_ARGS...: boots, waits for READY (a regex), runs the client
# $runs times; sets result_mbps, result_rate (the best runs), result_boot (empty on failure) and
# result_note.
measure() {
    local name=$1 ready=$2 failure=$3
    shift 3
    local log=$work/$name.log port
    result_mbps="" result_rate="" result_boot="" result_note=""
    mkdir -p "$work"
    # shellcheck disable=SC2086 # --qemu-extra's words
    if ! guest_boot "$log" "$ready" "$failure" "$guest_port" \
            -global virtio-mmio.force-legacy=false \
            -device "virtio-net-device,netdev=net0,bus=virtio-mmio-bus.0$net_device_options" \
            -device virtio-rng-device,bus=virtio-mmio-bus.2 $qemu_extra "$@"; then
        result_note="$name: $guest_boot_note"
        return
    fi
    port=${guest_host_ports[0]} result_boot=$guest_boot_seconds
    echo "$name: ready after $result_boot s, host port $port: $guest_ready_line"
    local run out mbps=() rates=() echo_timeout=$((60 + bytes / 100000))
    if run_client "$name" "$port" tcp-echo --bytes $((bytes / 10)) --connections "$connections" --timeout "$echo_timeout"; then
        echo "$name: warm-up $out"
        # A run that fails (a reset, a timeout) is reported and left out of the best.
        local failed=0 last_failure=""
        for ((run = 1; run <= runs; run++)); do
            if run_client "$name" "$port" tcp-echo --bytes "$bytes" --connections "$connections" --timeout "$echo_timeout"; then
                echo "$name: $out"
                mbps+=("$(echo "$out" | sed -n 's/.*: \([0-9.]*\) MB\/s.*/\1/p')")
            else
                echo "$name: run $run failed: $result_note"
                failed=$((failed + 1)) last_failure=$result_note
            fi
            if run_client "$name" "$port" tcp-rate --seconds "$seconds" --connections "$rate_connections" --timeout $((seconds + 60)); then
                echo "$name: $out"
                rates+=("$(echo "$out" | sed -n 's/.*: \([0-9.]*\) per second.*/\1/p')")
            else
                echo "$name: run $run failed: $result_note"
                failed=$((failed + 1)) last_failure=$result_note
            fi
        done
        result_note=""
        [ "$failed" -eq 0 ] || result_note="$failed of $((2 * runs)) measurements failed; the last: $last_failure"
    fi
    if grep -q -a -E "$failure" "$log"; then
        result_note="$name: $(grep -m1 -a -E "$failure" "$log")"
    fi
    guest_stop
    [ ${#mbps[@]} -gt 0 ] && result_mbps=$(best "${mbps[@]}")
    [ ${#rates[@]} -gt 0 ] && result_rate=$(best "${rates[@]}")
    return 0
}

sel4_mbps="" sel4_rate="" sel4_boot="" notes=()
if [ "$linux_only" = 0 ]; then
    measure cpp-sel4 'listening on [0-9.]+:1234' 'cpp-sel4: aborted|MON\|ERROR|\|ERROR' -kernel "$image"
    sel4_mbps=$result_mbps sel4_rate=$result_rate sel4_boot=$result_boot
    [ -n "$result_note" ] && notes+=("$result_note")
fi
measure linux 'linux-guest\|INFO: listening on' 'linux-guest\|ERROR|Kernel panic' \
    -kernel "$guest_vmlinuz" -initrd "$guest_initramfs" -append "console=ttyAMA0 quiet"
linux_mbps=$result_mbps linux_rate=$result_rate linux_boot=$result_boot
[ -n "$result_note" ] && notes+=("$result_note")
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# row WHAT SEL4 LINUX FORMAT: a table row, "-" for what is missing, the ratio cpp-sel4 / Linux.
row() {
    awk -v what="$1" -v a="$2" -v b="$3" -v f="$4" 'BEGIN {
        sa = a == "" ? "-" : sprintf(f, a); sb = b == "" ? "-" : sprintf(f, b)
        r = (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.3f", a / b)
        printf "| %-28s | %12s | %12s | %8s |\n", what, sa, sb, r }'
}
echo
echo "TCP echo through QEMU user-network hostfwd, $world (TCG, -smp 1)$([ -n "$net_device_options" ] && echo ", no virtio-net offloads"); best of $runs;" \
     "$bytes_arg over $connections connections;" \
     "rate for $seconds s, $rate_connections at a time; load average $load"
echo "Linux guest: $guest_kernel_package $guest_kernel_version ($guest_kernel_release)," \
     "busybox-static $guest_busybox_version, echo: busybox nc -e cat"
echo
printf '| %-28s | %12s | %12s | %8s |\n' "" cpp-sel4 "Linux guest" ratio
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..30})" "$(printf -- '-%.0s' {1..14})" \
    "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..9}):"
row "throughput MB/s" "$sel4_mbps" "$linux_mbps" "%.2f"
row "connections/s" "$sel4_rate" "$linux_rate" "%.1f"
row "boot to ready s" "$sel4_boot" "$linux_boot" "%.2f"
echo
echo "(ratio: cpp-sel4 / Linux guest; higher is better for cpp-sel4 in the first two rows, lower in the last)"
if [ ${#notes[@]} -gt 0 ]; then
    printf 'note: %s\n' "${notes[@]}"
    exit 1
fi
