# Sourced by setup.sh and test.sh: the presets, in build order.
# shellcheck shell=bash
PRESETS=(host x86_64 aarch64 aarch64-el1 aarch64-mcs aarch64-smp riscv64 riscv64-smp microkit-aarch64 microkit-riscv64 microkit-x86_64)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Configures and builds one preset; the world's kernel is re-detected each time. The worlds use
# the host preset's build of the host tools (built first) rather than each building its own.
build_preset() {
    local preset=$1 options=()
    [ "$preset" = host ] || options=(-DCPP_SEL4_HOST_BUILD="$REPO/build/host")
    echo "=== build: $preset"
    cmake --preset "$preset" "${options[@]}" > "$REPO/build/$preset.configure.log" 2>&1 || {
        cat "$REPO/build/$preset.configure.log"
        return 1
    }
    grep -A3 'CMake Warning' "$REPO/build/$preset.configure.log" || true
    cmake --build --preset "$preset"
}
