#!/bin/sh
# tools.cli-<tool>: a host tool's command line follows the conventions of tools/cli: --help
# and --version on standard output with status 0, an unknown option as one error line and a
# hint on standard error with status 2.
#   check-cli.sh TOOL NAME VERSION
set -u
tool=$1 name=$2 version=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
    echo "FAIL: $name $args: $*"
    failures=$((failures + 1))
}

# run ARGS...: runs the tool; its status in $status, its output in $work/out and $work/err.
run() {
    args="$*"
    "$tool" "$@" > "$work/out" 2> "$work/err"
    status=$?
}

# expect STATUS STDOUT STDERR: what the last run gave.
expect() {
    [ "$status" -eq "$1" ] || fail "exit status $status, not $1"
    [ "$(cat "$work/out")" = "$2" ] || fail "standard output '$(cat "$work/out")', not '$2'"
    [ "$(cat "$work/err")" = "$3" ] || fail "standard error '$(cat "$work/err")', not '$3'"
}

run --version
expect 0 "$name (cpp-sel4) $version" ""

for help in --help -h; do
    run $help
    [ "$status" -eq 0 ] || fail "exit status $status, not 0"
    grep -q "^Usage: $name " "$work/out" || fail "no 'Usage: $name ...' line in: $(cat "$work/out")"
    grep -q -e "--version" "$work/out" || fail "--version is not in the help"
    [ -s "$work/err" ] && fail "standard error: $(cat "$work/err")"
done

hint="Run '$name --help' for its usage."
run --no-such-option
expect 2 "" "$name: error: The following argument was not expected: --no-such-option
$hint"
run -Z --no-such-option
expect 2 "" "$name: error: The following arguments were not expected: -Z --no-such-option
$hint"

[ "$failures" -eq 0 ] || exit 1
echo "PASS: $name"
