# shellcheck shell=bash disable=SC2034,SC2154 # sourced: its results are its callers' variables
# The Linux guest of the benchmarks that compare cpp-sel4 with Linux in the same QEMU command
# (bench/net.sh, bench/http.sh): sourced, not run. It provides
#   - the world's QEMU command (CPP_SEL4_QEMU_COMMAND of cmake/worlds/WORLD.cmake);
#   - Debian's arm64 packages: `apt-get download` of a package's candidate version into
#     BENCH_BUILD_ROOT/bench-linux/debs (default build/, never committed), unpacked there with
#     `dpkg-deb -x`; the kernel is linux-image-arm64's current linux-image-*-arm64 (or
#     LINUX_PACKAGE, e.g. linux-image-6.1.0-57-arm64), the userland Debian's busybox-static;
#   - an initramfs: busybox as /bin/busybox, the script's /init, the kernel modules it asks for
#     (where Debian's config has them as modules), dynamically linked programs with the shared
#     libraries they need, packed with cpio and gzip;
#   - one QEMU at a time, booted to a ready line on its serial output, bounded by a timeout,
#     killed on exit (a trap), with QEMU's user network forwarding free loopback ports.
# Before sourcing, set guest_script (the name in messages, e.g. bench/net.sh), guest_work (the
# script's own directory for its initramfs and logs) and guest_timeout (seconds of each QEMU's
# whole life). Needs qemu-system-arm, python3, cpio, dpkg-dev, binutils (readelf) and apt with
# the arm64 architecture (`dpkg --add-architecture arm64 && apt-get update`): scripts/setup.sh
# installs and configures them.

guest_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
guest_packages=${BENCH_BUILD_ROOT:-$guest_repo/build}/bench-linux

guest_fail() { echo "$guest_script: $*" >&2; exit 1; }

# guest_qemu_command WORLD: the world's QEMU command line (words) in $guest_qemu.
guest_qemu_command() {
    guest_qemu=$(sed -n '/^set(CPP_SEL4_QEMU_COMMAND/,/)/p' "$guest_repo/cmake/worlds/$1.cmake" |
                 sed -e 's/^set(CPP_SEL4_QEMU_COMMAND//' -e 's/)$//' | tr '\n' ' ' | tr -s ' ')
    [ -n "$guest_qemu" ] || guest_fail "no CPP_SEL4_QEMU_COMMAND in cmake/worlds/$1.cmake"
}

# guest_deb PACKAGE: the .deb of PACKAGE:arm64's candidate version, downloaded if missing, in
# $guest_deb_file.
guest_deb() {
    local package=$1 version
    mkdir -p "$guest_packages/debs"
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        guest_fail "apt has no arm64 architecture: run \`dpkg --add-architecture arm64 && apt-get update\`" \
                   "(scripts/setup.sh does)"
    fi
    version=$(apt-cache policy "$package:arm64" | sed -n 's/^ *Candidate: //p')
    if [ -z "$version" ] || [ "$version" = "(none)" ]; then
        guest_fail "apt has no candidate for $package:arm64"
    fi
    guest_deb_file=$guest_packages/debs/${package}_${version//:/%3a}_arm64.deb
    if [ ! -f "$guest_deb_file" ]; then
        (cd "$guest_packages/debs" && apt-get download -q "$package:arm64=$version" \
            >"$guest_packages/debs/download.log" 2>&1) || {
            cat "$guest_packages/debs/download.log" >&2
            exit 1
        }
    fi
    [ -f "$guest_deb_file" ] || guest_fail "apt-get download gave no $guest_deb_file"
}

# guest_unpack PACKAGE: PACKAGE:arm64's .deb unpacked (once), its directory in $guest_dir; its
# version in $guest_version.
guest_unpack() {
    guest_deb "$1"
    guest_dir=$guest_packages/unpacked/$(basename "$guest_deb_file" .deb)
    guest_version=$(dpkg-deb -f "$guest_deb_file" Version)
    if [ ! -f "$guest_dir/.unpacked" ]; then
        rm -rf "$guest_dir"
        mkdir -p "$guest_dir"
        dpkg-deb -x "$guest_deb_file" "$guest_dir"
        touch "$guest_dir/.unpacked"
    fi
}

# guest_kernel: Debian's arm64 kernel, unpacked: $guest_kernel_package, $guest_kernel_version
# (the package's), $guest_vmlinuz, $guest_config, $guest_modules (lib/modules/RELEASE) and
# $guest_kernel_release.
guest_kernel() {
    guest_kernel_package=${LINUX_PACKAGE:-$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
                                            sed -n 's/^ *Depends: \(linux-image-[^:]*-arm64\).*/\1/p' | head -n 1)}
    [ -n "$guest_kernel_package" ] ||
        guest_fail "apt-cache knows no linux-image-arm64:arm64 (apt-get update after adding arm64?)"
    guest_unpack "$guest_kernel_package"
    guest_kernel_version=$guest_version
    guest_vmlinuz=$(find "$guest_dir/boot" -name 'vmlinuz-*' | head -n 1)
    guest_config=$(find "$guest_dir/boot" -name 'config-*' | head -n 1)
    guest_modules=$(find "$guest_dir/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n 1)
    if [ -z "$guest_vmlinuz" ] || [ -z "$guest_config" ] || [ -z "$guest_modules" ]; then
        guest_fail "$guest_deb_file has no boot/vmlinuz-*, boot/config-* or lib/modules/*"
    fi
    guest_kernel_release=$(basename "$guest_modules")
}

# guest_initramfs_start INIT: a new initramfs tree in $guest_root: busybox-static (its version
# in $guest_busybox_version) as /bin/busybox and INIT as /init.
guest_initramfs_start() {
    guest_unpack busybox-static
    guest_busybox_version=$guest_version
    guest_root=$guest_work/initramfs
    rm -rf "$guest_root"
    mkdir -p "$guest_root"/{bin,dev,etc,lib/modules,proc,sys,tmp}
    cp "$guest_dir/bin/busybox" "$guest_root/bin/busybox"
    install -m 755 "$1" "$guest_root/init"
}

# guest_add_modules OPTION:MODULE...: each MODULE (uncompressed) into /lib/modules of the
# initramfs where the kernel's config has CONFIG_OPTION=m; nothing where it is built in (=y).
guest_add_modules() {
    local option_module option module setting file
    for option_module in "$@"; do
        option=CONFIG_${option_module%%:*} module=${option_module#*:}
        setting=$(sed -n "s/^$option=//p" "$guest_config")
        case $setting in
        y) continue ;;
        m) ;;
        *) guest_fail "$guest_config has no $option (the guest needs it)" ;;
        esac
        file=$(find "$guest_modules/kernel" -name "$module.ko*" | head -n 1)
        [ -n "$file" ] || guest_fail "no $module.ko* in $guest_modules"
        case $file in
        *.ko) cp "$file" "$guest_root/lib/modules/$module.ko" ;;
        *.ko.xz) xz -dc "$file" >"$guest_root/lib/modules/$module.ko" ;;
        *.ko.zst) zstd -q -dc "$file" >"$guest_root/lib/modules/$module.ko" ;;
        *.ko.gz) gzip -dc "$file" >"$guest_root/lib/modules/$module.ko" ;;
        *) guest_fail "$file: unknown compression" ;;
        esac
    done
}

# guest_add_program PROGRAM PACKAGE...: PROGRAM (a path inside the first PACKAGE, e.g.
# usr/bin/hitch) into the initramfs at the same path, with the dynamic loader and every shared
# library it needs (DT_NEEDED, transitively), found in the PACKAGEs' lib and usr/lib
# directories: all of them must be listed; the versions in $guest_program_versions.
guest_add_program() {
    local program=$1 package dirs=() dir
    shift
    guest_program_versions=""
    for package in "$@"; do
        guest_unpack "$package"
        dirs+=("$guest_dir")
        guest_program_versions+="${guest_program_versions:+, }$package $guest_version"
    done
    [ -f "${dirs[0]}/$program" ] || guest_fail "$guest_deb_file has no $program"
    mkdir -p "$guest_root/$(dirname "$program")"
    cp "${dirs[0]}/$program" "$guest_root/$program"
    local pending=("${dirs[0]}/$program") done_names=" " elf name found interpreter
    while [ ${#pending[@]} -gt 0 ]; do
        elf=${pending[0]}
        pending=("${pending[@]:1}")
        interpreter=$(readelf -l "$elf" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]/\1/p')
        for name in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p') ${interpreter:+"$interpreter"}; do
            case $done_names in *" $name "*) continue ;; esac
            done_names+="$name "
            found=""
            for dir in "${dirs[@]}"; do
                case $name in
                /*) [ -e "$dir$name" ] && found=$dir$name ;;
                *) found=$(find "$dir/lib" "$dir/usr/lib" -name "$name" 2>/dev/null | head -n 1 || true) ;;
                esac
                [ -n "$found" ] && break
            done
            [ -n "$found" ] || guest_fail "$program needs $name, in none of the packages $*"
            # Where the package has it (e.g. /lib/aarch64-linux-gnu/...), as the file itself.
            local target=${found#"$dir"}
            mkdir -p "$guest_root/$(dirname "$target")"
            cp -L "$found" "$guest_root/$target"
            pending+=("$found")
        done
    done
}

# guest_initramfs_pack: the tree packed into $guest_initramfs (cpio newc, gzip).
guest_initramfs_pack() {
    # The kernel opens /dev/console for /init before anything is mounted (as root: a real node;
    # otherwise /init reopens it on devtmpfs).
    [ "$(id -u)" = 0 ] && mknod "$guest_root/dev/console" c 5 1
    guest_initramfs=$guest_work/initramfs.gz
    (cd "$guest_root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$guest_initramfs"
}

guest_qemu_pid=""
guest_stop() {
    if [ -n "$guest_qemu_pid" ]; then
        kill "$guest_qemu_pid" 2>/dev/null || true
        wait "$guest_qemu_pid" 2>/dev/null || true
        guest_qemu_pid=""
    fi
}
trap guest_stop EXIT
trap 'exit 130' INT TERM

guest_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
guest_now() { date +%s.%N; }

# guest_boot LOG READY FAILURE "GUEST_PORTS" ARGS...: QEMU ($guest_qemu ARGS...) in the
# background, its serial output and errors in LOG, with
#   -netdev user,id=net0,hostfwd=tcp:127.0.0.1:HOST_PORT-:GUEST_PORT,... (one for each of
#   GUEST_PORTS, a free loopback port each; the caller's ARGS attach net0 to a device)
# until LOG matches READY (a regex; polled every 50 ms) or FAILURE, or QEMU ends (at most
# $guest_timeout s: QEMU's whole life). Returns 0 when ready: $guest_host_ports (in the order of
# GUEST_PORTS), $guest_boot_seconds (QEMU's start to the ready line), $guest_ready_line; QEMU
# still running ($guest_qemu_pid, stopped by guest_stop or on exit). Otherwise 1, QEMU stopped
# and $guest_boot_note says why.
guest_boot() {
    local log=$1 ready=$2 failure=$3 guest_ports=$4 port hostfwd start ready_at line
    shift 4
    guest_boot_note=""
    for _ in 1 2 3; do
        guest_host_ports=() hostfwd=""
        for port in $guest_ports; do
            guest_host_ports+=("$(guest_free_port)")
            hostfwd+=",hostfwd=tcp:127.0.0.1:${guest_host_ports[-1]}-:$port"
        done
        : >"$log"
        start=$(guest_now)
        # shellcheck disable=SC2086 # the command line's words
        timeout "$guest_timeout" $guest_qemu -netdev "user,id=net0$hostfwd" "$@" </dev/null >"$log" 2>&1 &
        guest_qemu_pid=$!
        ready_at=""
        while kill -0 "$guest_qemu_pid" 2>/dev/null; do
            if grep -q -a -E "$ready" "$log"; then
                ready_at=$(guest_now)
                break
            fi
            grep -q -a -E "$failure" "$log" && break
            sleep 0.05
        done
        [ -n "$ready_at" ] && break
        guest_stop
        # Someone took a port between guest_free_port and QEMU's bind: again with others.
        grep -q -a 'Could not set up host forwarding rule' "$log" && continue
        break
    done
    if [ -z "$ready_at" ]; then
        line=$(grep -m1 -a -E "$failure|qemu-system" "$log" || true)
        guest_boot_note="no ready line: ${line:-nothing within $guest_timeout s} (see $log)"
        guest_stop
        return 1
    fi
    guest_boot_seconds=$(awk -v s="$start" -v e="$ready_at" 'BEGIN { printf "%.2f", e - s }')
    guest_ready_line=$(grep -m1 -a -E "$ready" "$log" | tr -d '\r')
}
