#!/bin/sh
# root-task.backtrace: runs the test program, then symbolizes the backtrace it printed
# and checks that the calls come out in order.
#   check.sh SYMBOLIZER PROGRAM RUNNER-COMMAND...
set -eu
symbolizer=$1
program=$2
shift 2
log=$(mktemp)
symbolized=$(mktemp)
trap 'rm -f "$log" "$symbolized"' EXIT
"$@" | tee "$log"
"$symbolizer" --elf "$program" "$log" > "$symbolized" || { cat "$symbolized"; echo "symbolizer failed"; exit 1; }
cat "$symbolized"
expected="sel4_runtime::print_backtrace backtrace_test::innermost_frame backtrace_test::middle_frame backtrace_test::outer_frame root_main"
line=0
for function in $expected; do
    found=$(grep -n "in $function(" "$symbolized" | head -1 | cut -d: -f1)
    if [ -z "$found" ] || [ "$found" -le "$line" ]; then
        echo "cpp-sel4: backtrace check failed: $function missing or out of order"
        exit 1
    fi
    line=$found
done
echo "backtrace check: $expected"
