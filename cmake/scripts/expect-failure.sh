#!/bin/sh
# The runner's own on-target tests: runs sel4-qemu-run on a deliberately broken
# root task and passes only if the runner fails it
#   - with a reason matching REASON_REGEX,
#   - within TIMEOUT seconds (plus the runner's clean-up allowance),
#   - leaving no emulator process behind.
# usage: expect-failure.sh REASON_REGEX TIMEOUT RUNNER [RUNNER ARGS...] -- EMULATOR...
set -u
reason=$1 timeout=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

runner=$1
shift
start=$(date +%s)
"$runner" --pid-file "$work/pid" "$@" > "$work/log" 2>&1
status=$?
end=$(date +%s)
cat "$work/log"

fail() { echo "expect-failure: FAILED: $*"; exit 1; }
[ "$status" -eq 1 ] || fail "runner exited with $status, expected 1 (test failed)"
verdict=$(grep '^sel4-qemu-run: ' "$work/log" | tail -n 1)
echo "$verdict" | grep -q '^sel4-qemu-run: FAIL' || fail "no FAIL verdict from the runner"
echo "$verdict" | grep -Eq -- "$reason" || fail "verdict does not show the reason /$reason/: $verdict"
[ $((end - start)) -le $((timeout + 5)) ] || fail "took $((end - start)) s, limit $timeout s"
[ -s "$work/pid" ] || fail "runner wrote no emulator pid"
pid=$(cat "$work/pid")
if kill -0 "$pid" 2>/dev/null && ! grep -q '^[^)]*) Z' "/proc/$pid/stat" 2>/dev/null; then
    fail "emulator (pid $pid) still running"
fi
echo "expect-failure: ok: failed as expected in $((end - start)) s, emulator gone"
