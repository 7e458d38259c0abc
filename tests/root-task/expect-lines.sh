#!/bin/sh
# Runs a test and requires that its output holds the given lines, in that order, besides
# the runner's verdict.
#   expect-lines.sh LINE... -- RUNNER-COMMAND...
set -eu
lines=$(mktemp)
log=$(mktemp)
trap 'rm -f "$lines" "$log"' EXIT
while [ "$1" != "--" ]; do
    printf '%s\n' "$1" >> "$lines"
    shift
done
shift
status=0
"$@" > "$log" 2>&1 || status=$?
cat "$log"
[ "$status" -eq 0 ] || exit "$status"
at=0
while IFS= read -r line; do
    found=$(grep -nF -- "$line" "$log" | cut -d: -f1 | awk -v at="$at" '$1 > at { print; exit }')
    if [ -z "$found" ]; then
        echo "expected line missing or out of order: $line"
        exit 1
    fi
    at=$found
done < "$lines"
echo "expected lines found in order"
