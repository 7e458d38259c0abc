#!/bin/sh
# Runs the setvar test and checks that the physical addresses the PD was given for the MRs
# without phys_addr are the ones the system builder reports under "Physical Addresses Chosen".
#   check-report.sh REPORT MR... -- RUNNER-COMMAND...
set -eu
report=$1
shift
mrs=""
while [ "$1" != "--" ]; do
    mrs="$mrs $1"
    shift
done
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$@" > "$log" 2>&1 || status=$?
cat "$log"
[ "$status" -eq 0 ] || exit "$status"
for mr in $mrs; do
    given=$(sed -n "s/^setvar: ${mr}_paddr = \(0x[0-9a-f]*\).*/\1/p" "$log" | head -n 1)
    chosen=$(sed -n "/^# Physical Addresses Chosen/,/^#/s/^ *${mr}: \(0x[0-9a-f]*\).*/\1/p" "$report" | head -n 1)
    if [ -z "$given" ] || [ -z "$chosen" ] || [ $((given)) -ne $((chosen)) ]; then
        echo "check-report: MR '$mr': the PD was given '${given}', the report chose '${chosen}'"
        exit 1
    fi
    echo "check-report: MR '$mr' at $chosen, as reported"
done
