#!/usr/bin/env bash
# Runs every test: the host tests, and the on-target tests of every world
# (those whose kernel is missing are reported as skipped, with the reason).
# Each preset is configured and built once; QEMU tests run two at a time.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO"
mkdir -p build

passed=0 failed=0 skipped=0 broken=()
for preset in "${PRESETS[@]}"; do
    if ! build_preset "$preset"; then
        broken+=("$preset (build)")
        continue
    fi
    echo "=== test: $preset"
    junit="$REPO/build/$preset.junit.xml"
    rm -f "$junit"
    ctest --preset "$preset" --output-junit "$junit" || broken+=("$preset")
    if [ -f "$junit" ]; then
        # <testsuite ... tests="N" failures="N" ... skipped="N" ...>
        suite=$(tr "\n\t" "  " < "$junit" | grep -m1 -o "<testsuite [^>]*>")
        attr() { echo "$suite" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
        t=$(attr tests) f=$(attr failures) s=$(attr skipped)
        passed=$((passed + t - f - s)) failed=$((failed + f)) skipped=$((skipped + s))
    fi
done

if [ ${#broken[@]} -gt 0 ]; then
    echo "failing presets: ${broken[*]}"
    [ "$failed" -gt 0 ] || failed=${#broken[@]}
fi
echo "total: $passed passed, $failed failed, $skipped skipped"
[ ${#broken[@]} -eq 0 ]
