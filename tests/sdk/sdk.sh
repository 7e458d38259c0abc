#!/bin/sh
# The steps of the sdk.* tests (tests/sdk/CMakeLists.txt).
#   sdk.sh install BUILD_DIR PREFIX
#   sdk.sh example PREFIX SOURCE WORK RUN_TARGET EXPECT_LINES_SCRIPT
#   sdk.sh kernel-checks PREFIX SOURCE WORK KERNEL_PREFIX
set -eu
toolchain() { echo "$1/share/cpp-sel4/toolchain.cmake"; }

case $1 in
install)
    build=$2 prefix=$3
    rm -rf "$prefix"
    cmake --install "$build" --prefix "$prefix" > "$prefix.log" 2>&1 || { cat "$prefix.log"; exit 1; }
    for file in lib/cmake/cpp-sel4/cpp-sel4Config.cmake lib/cmake/cpp-sel4/cpp-sel4ConfigVersion.cmake \
                lib/cmake/cpp-sel4/cpp-sel4Targets.cmake share/cpp-sel4/toolchain.cmake \
                include/sel4/sel4.hpp include/sel4/gen/invocations.hpp include/sel4/runtime/root_task.hpp \
                bin/sel4-image bin/sel4-qemu-run bin/sel4-symbolize bin/sel4-embed-symbols bin/sel4-bindgen \
                bin/sel4-capdl; do
        [ -e "$prefix/$file" ] || { echo "not installed: $prefix/$file"; exit 1; }
    done
    echo "installed into $prefix: $(find "$prefix" -type f | wc -l) files"
    ;;
example)
    prefix=$2 source=$3 work=$4 run_target=$5 expect_lines=$6
    rm -rf "$work"
    # A user's project: only the toolchain file, nothing of cpp-sel4's source tree.
    cmake -S "$source" -B "$work" -G Ninja --toolchain "$(toolchain "$prefix")" -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build "$work"
    # Its interactive run target, under the runner (which ends it and QEMU), and its output.
    set --
    while IFS= read -r line; do
        set -- "$@" "$line"
    done < "$source/expected-output"
    sh "$expect_lines" "$@" -- "$prefix/bin/sel4-qemu-run" --timeout 240 \
        --success "cpp-sel4: root task exited with status 0" -- cmake --build "$work" --target "$run_target"
    ;;
microkit-example)
    # A Microkit example as a project of its own (CMake, the package's functions), each of its
    # run targets booted under the runner until its success line.
    prefix=$2 source=$3 work=$4
    shift 4
    rm -rf "$work"
    cmake -S "$source" -B "$work" -G Ninja --toolchain "$(toolchain "$prefix")" -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build "$work"
    while [ $# -gt 0 ]; do
        "$prefix/bin/sel4-qemu-run" --timeout 240 --success "$2" -- cmake --build "$work" --target "$1"
        shift 2
    done
    ;;
kernel-checks)
    prefix=$2 source=$3 work=$4 kernel=$5
    rm -rf "$work"
    mkdir -p "$work"
    # The package as installed, recording a copy of the kernel that the test may take away.
    cp -r "$prefix" "$work/prefix"
    cp -r "$kernel" "$work/kernel"
    config=$work/prefix/lib/cmake/cpp-sel4/cpp-sel4Config.cmake
    sed -i "s|^set(SEL4_PREFIX \"$kernel\")\$|set(SEL4_PREFIX \"$work/kernel\")|" "$config"
    grep -qF "set(SEL4_PREFIX \"$work/kernel\")" "$config" || { echo "no recorded kernel prefix in $config"; exit 1; }
    configure() {
        rm -rf "$work/build"
        cmake -S "$source" -B "$work/build" -G Ninja --toolchain "$(toolchain "$work/prefix")" > "$work/log" 2>&1
    }
    expect_failure() { # what the configure must say
        if configure; then
            cat "$work/log"; echo "configure succeeded: $1"; exit 1
        fi
        # CMake wraps its messages: compare with the lines joined.
        tr -s ' \n' '  ' < "$work/log" | grep -qF "$2" || { cat "$work/log"; echo "the error does not say: $2"; exit 1; }
        echo "refused ($1): the error says: $2"
    }
    configure || { cat "$work/log"; echo "configure against the kernel's copy failed"; exit 1; }
    echo "configured against $work/kernel"
    printf '\n' >> "$work/kernel/libsel4/include/kernel/gen_config.json"
    expect_failure "kernel changed" "The kernel at $work/kernel changed after cpp-sel4 was installed"
    rm -rf "$work/kernel"
    expect_failure "kernel gone" "cpp-sel4 was installed for the kernel at $work/kernel, which is gone"
    ;;
*)
    echo "sdk.sh: unknown step '$1'" >&2
    exit 2
    ;;
esac
