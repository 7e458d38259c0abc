#!/usr/bin/env bash
# HTTP and HTTPS through QEMU's user network on microkit-aarch64 (issue 15): cpp-sel4's
# http-server against a Linux guest serving the same site from the same disk, in the same QEMU
# command line, in one run, as ratios.
#
# Both systems boot, one after the other (never two QEMUs at once), under the world's QEMU
# command (CPP_SEL4_QEMU_COMMAND of cmake/worlds/microkit-aarch64.cmake: -machine
# virt,virtualization=on -cpu cortex-a53 -smp 1 -m 2048M, TCG) with the same devices:
#   -global virtio-mmio.force-legacy=false
#   -netdev user,id=net0,hostfwd=tcp:127.0.0.1:P1-:80,hostfwd=tcp:127.0.0.1:P2-:443
#   -device virtio-net-device,netdev=net0,bus=virtio-mmio-bus.0
#   -drive file=DISK,format=raw,if=none,id=hd0,readonly=on -device virtio-blk-device,drive=hd0,bus=virtio-mmio-bus.1
#   -device virtio-rng-device,bus=virtio-mmio-bus.2
# (P1, P2 free loopback ports chosen at run time) and --qemu-extra. DISK is the http-server's
# disk (an MBR, one FAT32 partition: /site/..., the document root, and /tls/cert.pem, key.pem).
#   1. cpp-sel4: the Microkit system examples/microkit/http-server (sel4::http and sel4::tls
#      over lwIP; HTTP/1.1 keep-alive); ready at `http_server|INFO: serving http://`.
#   2. Linux: Debian's arm64 kernel with an initramfs made by bench/linux-guest.sh: Debian's
#      busybox-static, bench/http/init as /init (the virtio and FAT modules, the partition
#      mounted read-only, DHCP with bench/net/udhcpc.script, `busybox httpd -f -p 80 -h
#      /mnt/site`: a process per connection, one request per connection, no keep-alive) and
#      Debian's hitch (a TLS proxy, event-driven, one worker; TLS 1.2 as cpp-sel4 speaks,
#      preferring ECDHE-ECDSA-AES128-GCM-SHA256, the suite cpp-sel4 chooses for OpenSSL's
#      clients; /mnt/tls/key.pem and cert.pem, forwarding 443 to 127.0.0.1:80) with the dynamic loader
#      and its libraries from Debian's libc6, libssl3 and libev4; ready at
#      `linux-guest|INFO: serving http://`. Without hitch (a package missing) the HTTPS rows
#      say "no TLS terminator" for Linux, and why.
# For each system, each of /style.css (the small file) and /files/1mib.bin (1 MiB) over
# http:// and https://: curl fetches it once and it must be byte-identical to the disk's file
# (mcopy); the TLS protocol and suite `openssl s_client` gets are printed; then wrk runs
# --warmup seconds (not counted) and --duration seconds with --connections connections on
# --threads threads (bench/http/summary.lua reports exact totals):
# requests per second and MB/s (10^6 bytes read per second, response headers included, as wrk
# counts). Errors (connect, read, write, timeouts, non-2xx/3xx statuses) are counted and noted.
# The table's ratio is cpp-sel4 / Linux of requests per second: above 1 is better for cpp-sel4.
# busybox httpd closes each connection after its response, so wrk opens a connection (and on
# https a TLS handshake) per request to Linux, while cpp-sel4 keeps them open: --close makes
# wrk send `Connection: close` to both, to compare one request per connection on both sides.
# Everything is TCG on a shared 2-core host: the load average is printed; compare ratios of
# one run, not numbers across runs.
#
#   bench/http.sh [--duration S] [--warmup S] [--connections N] [--threads N] [--close]
#                 [--linux-only] [--image LOADER_IMG] [--disk DISK_IMG] [--qemu-extra "ARGS"]
#                 [--timeout S]
#   defaults: --duration 20 --warmup 3 --connections 16 --threads 1 (wrk's threads: QEMU's
#             TCG takes the other core) --timeout 600 + 4 x (warm-up + duration) (each QEMU's
#             whole life)
#   --image: build/microkit-aarch64/examples/microkit/http-server/microkit-http-server/loader.img,
#   --disk: build/microkit-aarch64/examples/microkit/http-server/http-server-disk.img
#   (`cmake --build build/microkit-aarch64 --target microkit-http-server` builds both).
#
# Needs (scripts/setup.sh installs them): wrk, curl, openssl, mtools, qemu-system-arm, python3,
# cpio, dpkg-dev and apt with the arm64 architecture (the Linux guest's packages: see
# bench/linux-guest.sh; fetched into build/bench-linux, the initramfs and logs in
# BENCH_BUILD_ROOT/bench-http, default build/). It builds nothing. LINUX_PACKAGE overrides the
# kernel package.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=${BENCH_BUILD_ROOT:-$repo/build}
work=$root/bench-http
world=microkit-aarch64
example=$repo/build/$world/examples/microkit/http-server

duration=20 warmup=3 connections=16 threads=1 close=0 linux_only=0 image="" disk="" qemu_extra="" timeout_s=""
usage() { sed -n '/^#   bench\/http.sh/,/^#   (`cmake/p' "$0" | sed 's/^# \{0,3\}//'; }
while [ $# -gt 0 ]; do
    case $1 in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --close) close=1; shift ;;
    --linux-only) linux_only=1; shift ;;
    --image) image=$2; shift 2 ;;
    --disk) disk=$2; shift 2 ;;
    --qemu-extra) qemu_extra=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench/http.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
timeout_s=${timeout_s:-$((600 + 4 * (warmup + duration)))}
for n in "$duration" "$warmup" "$connections" "$threads" "$timeout_s"; do
    if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -eq 0 ]; then
        echo "bench/http.sh: not a positive number: $n" >&2
        exit 2
    fi
done
[ "$threads" -le "$connections" ] || { echo "bench/http.sh: more threads than connections" >&2; exit 2; }
image=${image:-$example/microkit-http-server/loader.img}
disk=${disk:-$example/http-server-disk.img}

echo "command: bench/http.sh --duration $duration --warmup $warmup --connections $connections --threads $threads" \
     "--timeout $timeout_s$([ "$close" = 1 ] && echo ' --close')$([ "$linux_only" = 1 ] && echo ' --linux-only')" \
     "--disk $disk$([ "$linux_only" = 0 ] && echo " --image $image")${qemu_extra:+ --qemu-extra \"$qemu_extra\"}"

for tool in wrk curl openssl mcopy; do
    command -v "$tool" >/dev/null || { echo "bench/http.sh: no $tool (scripts/setup.sh installs it)" >&2; exit 1; }
done
if [ ! -f "$disk" ]; then
    echo "bench/http.sh: no disk image at $disk; build it with" >&2
    echo "  cmake --preset $world -B build/$world && cmake --build build/$world --target http-server-disk" >&2
    echo "or pass --disk PATH/http-server-disk.img" >&2
    exit 1
fi
if [ "$linux_only" = 0 ] && [ ! -f "$image" ]; then
    echo "bench/http.sh: no http-server image at $image; build it with" >&2
    echo "  cmake --preset $world -B build/$world && cmake --build build/$world --target microkit-http-server" >&2
    echo "or pass --image PATH/loader.img (--linux-only measures the Linux guest alone)" >&2
    exit 1
fi

guest_script=bench/http.sh guest_work=$work guest_timeout=$timeout_s
# shellcheck source=bench/linux-guest.sh
source "$repo/bench/linux-guest.sh"
guest_qemu_command "$world"

# The files measured, as the disk has them (the FAT partition starts at 1 MiB: sector 2048).
paths=(/style.css /files/1mib.bin)
names=(small 1MiB)
mkdir -p "$work/expected"
for i in "${!paths[@]}"; do
    mcopy -n -i "$disk@@1M" "::/site${paths[i]}" "$work/expected/${names[i]}" ||
        { echo "bench/http.sh: $disk has no /site${paths[i]}" >&2; exit 1; }
done

# --- The Linux guest: the kernel, busybox, the init, the modules, hitch. ---
guest_kernel
guest_initramfs_start "$repo/bench/http/init"
install -m 755 "$repo/bench/net/udhcpc.script" "$guest_root/etc/udhcpc.script"
guest_add_modules VIRTIO_MMIO:virtio_mmio VIRTIO_NET:virtio_net NET_FAILOVER:net_failover FAILOVER:failover \
    VIRTIO_BLK:virtio_blk HW_RANDOM_VIRTIO:virtio-rng FAT_FS:fat VFAT_FS:vfat NLS_CODEPAGE_437:nls_cp437 NLS_ASCII:nls_ascii
# The TLS terminator, if its packages are there (in a subshell: a failure leaves the guest
# without it and says why).
linux_tls_note="" linux_tls=""
if linux_tls=$(guest_add_program usr/sbin/hitch hitch libc6 libssl3 libev4 2>"$work/hitch.err" &&
               echo "$guest_program_versions"); then
    :
else
    linux_tls_note="no TLS terminator: $(tr '\n' ' ' <"$work/hitch.err")"
    rm -f "$guest_root/usr/sbin/hitch"
fi
guest_initramfs_pack

# --- Booting and measuring. ---
wrk_headers=()
[ "$close" = 1 ] && wrk_headers=(-H "Connection: close")

# wrk_run URL SECONDS: wrk's summary line (bench/http/summary.lua) in $out; false and a note in
# $cell_note when wrk fails.
wrk_run() {
    local url=$1 seconds=$2 result
    if ! result=$(timeout $((seconds + 120)) wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 30s \
                  "${wrk_headers[@]}" -s "$repo/bench/http/summary.lua" "$url" 2>&1); then
        cell_note="wrk $url failed: $(echo "$result" | tail -n 3 | tr '\n' ' ')"
        return 1
    fi
    out=$(echo "$result" | grep '^summary: ' | tail -n 1)
    [ -n "$out" ] || { cell_note="wrk $url: no summary: $(echo "$result" | tail -n 3 | tr '\n' ' ')"; return 1; }
}

declare -A rps mbps boot tls
notes=()
# measure NAME READY FAILURE QEMU_ARGS...: boots, checks and measures each file over each
# scheme; fills rps[NAME,FILE,SCHEME], mbps[...], boot[NAME], tls[NAME]; notes what failed.
measure() {
    local name=$1 ready=$2 failure=$3
    shift 3
    local log=$work/$name.log
    mkdir -p "$work"
    # shellcheck disable=SC2086 # --qemu-extra's words
    if ! guest_boot "$log" "$ready" "$failure" "80 443" \
            -global virtio-mmio.force-legacy=false \
            -device virtio-net-device,netdev=net0,bus=virtio-mmio-bus.0 \
            -drive "file=$disk,format=raw,if=none,id=hd0,readonly=on" \
            -device virtio-blk-device,drive=hd0,bus=virtio-mmio-bus.1 \
            -device virtio-rng-device,bus=virtio-mmio-bus.2 $qemu_extra "$@"; then
        notes+=("$name: $guest_boot_note")
        return
    fi
    boot[$name]=$guest_boot_seconds
    local http_port=${guest_host_ports[0]} https_port=${guest_host_ports[1]}
    echo "$name: ready after ${boot[$name]} s, host ports $http_port (80), $https_port (443): $guest_ready_line"
    local schemes=(http) scheme i url port cell_note out got f errors
    if [ "$name" = cpp-sel4 ] || [ -z "$linux_tls_note" ]; then
        schemes+=(https)
        tls[$name]=$(openssl s_client -connect "127.0.0.1:$https_port" -brief </dev/null 2>&1 |
                     sed -n -e 's/^Protocol version: //p' -e 's/^Ciphersuite: //p' | paste -s -d ' ' || true)
    fi
    for scheme in "${schemes[@]}"; do
        port=$http_port
        [ "$scheme" = https ] && port=$https_port
        for i in "${!paths[@]}"; do
            url=$scheme://127.0.0.1:$port${paths[i]}
            got=$work/$name-${names[i]}-$scheme
            cell_note=""
            if ! curl -s -k --max-time 120 -o "$got" "$url"; then
                cell_note="curl $url failed"
            elif ! cmp -s "$got" "$work/expected/${names[i]}"; then
                cell_note="$url differs from the disk's /site${paths[i]} ($(stat -c %s "$got") bytes)"
            elif wrk_run "$url" "$warmup" && wrk_run "$url" "$duration"; then
                echo "$name: $url: $out"
                # summary: requests R bytes B duration_us D connect C read R write W status S timeout T ...
                read -r -a f <<<"$out"
                rps[$name,${names[i]},$scheme]=$(awk -v r="${f[2]}" -v d="${f[6]}" 'BEGIN { printf "%.1f", r / (d / 1e6) }')
                mbps[$name,${names[i]},$scheme]=$(awk -v b="${f[4]}" -v d="${f[6]}" 'BEGIN { printf "%.2f", b / d }')
                errors=$((f[8] + f[10] + f[12] + f[14] + f[16]))
                [ "$errors" -eq 0 ] || cell_note="$url: $errors errors in ${f[2]} requests (connect ${f[8]}, read ${f[10]}, write ${f[12]}, status ${f[14]}, timeout ${f[16]})"
            fi
            [ -z "$cell_note" ] || notes+=("$name: $cell_note")
        done
    done
    if grep -q -a -E "$failure" "$log"; then
        notes+=("$name: $(grep -m1 -a -E "$failure" "$log" | tr -d '\r') (see $log)")
    fi
    guest_stop
}

if [ "$linux_only" = 0 ]; then
    measure cpp-sel4 '^http_server\|INFO: serving http://' 'cpp-sel4: aborted|MON\|ERROR|\|ERROR' -kernel "$image"
fi
measure linux '^linux-guest\|INFO: serving http://' 'linux-guest\|ERROR|Kernel panic' \
    -kernel "$guest_vmlinuz" -initrd "$guest_initramfs" -append "console=ttyAMA0 quiet"
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# row FILE SCHEME: a table row, "-" for what is missing, the ratio of requests per second.
row() {
    local key=$1,$2 linux_rps linux_mbps
    linux_rps=${rps[linux,$key]:-} linux_mbps=${mbps[linux,$key]:-}
    if [ "$2" = https ] && [ -n "$linux_tls_note" ]; then
        linux_rps="no TLS terminator" linux_mbps=""
    fi
    awk -v what="$1 $2" -v a="${rps[cpp-sel4,$key]:-}" -v am="${mbps[cpp-sel4,$key]:-}" \
        -v b="$linux_rps" -v bm="$linux_mbps" 'BEGIN {
        r = (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.3f", a / b)
        printf "| %-12s | %14s | %10s | %17s | %10s | %8s |\n", what,
               a == "" ? "-" : a, am == "" ? "-" : am, b == "" ? "-" : b, bm == "" ? "-" : bm, r }'
}
echo
echo "HTTP through QEMU user-network hostfwd, $world (TCG, -smp 1); wrk: $connections connections," \
     "$threads thread(s), $duration s after a $warmup s warm-up$([ "$close" = 1 ] && echo ', Connection: close');" \
     "load average $load"
echo "cpp-sel4: examples/microkit/http-server${boot[cpp-sel4]:+, ready after ${boot[cpp-sel4]} s}${tls[cpp-sel4]:+, TLS: ${tls[cpp-sel4]}}"
echo "Linux guest: $guest_kernel_package $guest_kernel_version ($guest_kernel_release)," \
     "busybox-static $guest_busybox_version (httpd)${linux_tls:+, $linux_tls}${boot[linux]:+, ready after ${boot[linux]} s}${tls[linux]:+, TLS: ${tls[linux]}}"
[ -z "$linux_tls_note" ] || echo "Linux guest HTTPS: $linux_tls_note"
echo
printf '| %-12s | %14s | %10s | %17s | %10s | %8s |\n' "" "cpp-sel4 req/s" "MB/s" "Linux req/s" "MB/s" ratio
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..16})" \
    "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..19})" "$(printf -- '-%.0s' {1..12})" \
    "$(printf -- '-%.0s' {1..9}):"
for scheme in http https; do
    for name in "${names[@]}"; do
        row "$name" "$scheme"
    done
done
echo
echo "(small: /style.css, $(stat -c %s "$work/expected/small") bytes; 1MiB: /files/1mib.bin; MB/s: 10^6 bytes read per" \
     "second, headers included; ratio: cpp-sel4 / Linux guest requests per second, higher is better for cpp-sel4)"
if [ ${#notes[@]} -gt 0 ]; then
    printf 'note: %s\n' "${notes[@]}"
    exit 1
fi
