#!/bin/sh
# Runs microkit.faults and checks the monitor's report of each faulting PD: for each NAME, in
# the order given, the line `MON|ERROR: faulting PD: NAME`, and before the next PD's
# `faulting PD:` line a line that matches `^MON|ERROR: ` followed by the extended regular
# expression DECODED; after the last of them, the line FINAL. Any of them missing fails.
#   check-faults.sh NAME DECODED [NAME DECODED]... --final FINAL -- RUNNER-COMMAND...
set -eu
expected=$(mktemp)
log=$(mktemp)
trap 'rm -f "$expected" "$log"' EXIT
final=""
while [ "$1" != "--" ]; do
    if [ "$1" = "--final" ]; then
        final=$2
    else
        printf '%s\n%s\n' "$1" "$2" >> "$expected"
    fi
    shift 2
done
shift
status=0
"$@" > "$log" 2>&1 || status=$?
tr -d '\r' < "$log"
[ "$status" -eq 0 ] || exit "$status"

# The first line number after $1 of a line matching: -F $2 (fixed) or -E $2 (regex) $3.
first_after() {
    tr -d '\r' < "$log" | grep -n "$2" -- "$3" | cut -d: -f1 | awk -v at="$1" '$1 > at { print; exit }'
}

at=0
failed=0
while IFS= read -r name && IFS= read -r decoded; do
    line=$(first_after "$at" -Fx "MON|ERROR: faulting PD: $name")
    if [ -z "$line" ]; then
        echo "check-faults: missing or out of order: MON|ERROR: faulting PD: $name"
        failed=1
        continue
    fi
    next=$(first_after "$line" -F "MON|ERROR: faulting PD: ")
    found=$(first_after "$line" -E "^MON\\|ERROR: $decoded")
    if [ -z "$found" ] || { [ -n "$next" ] && [ "$found" -gt "$next" ]; }; then
        echo "check-faults: no line 'MON|ERROR: $decoded' in the report of PD $name"
        failed=1
    else
        echo "check-faults: PD $name: $(tr -d '\r' < "$log" | sed -n "${found}p")"
    fi
    at=$found
done < "$expected"
if [ -n "$final" ]; then
    if [ -z "$(first_after "$at" -F "$final")" ]; then
        echo "check-faults: missing after the faults: $final"
        failed=1
    fi
fi
[ "$failed" -eq 0 ] || exit 1
echo "check-faults: every fault reported as expected"
