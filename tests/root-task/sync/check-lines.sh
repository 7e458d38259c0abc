#!/bin/sh
# sync.threads' wrapper: runs the test and requires every one of the lines its threads logged
# at once to be whole: `sync|INFO: thread <id> line <n> abcdefghijklmnopqrstuvwxyz`, as many
# as expected, each (thread, line) once.
#   check-lines.sh COUNT -- RUNNER-COMMAND...
set -eu
count=$1
shift 2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$@" > "$log" 2>&1 || status=$?
cat "$log"
[ "$status" -eq 0 ] || exit "$status"
whole=$(tr -d '\r' < "$log" | grep -E '^sync\|INFO: thread [0-9]+ line [0-9]+ abcdefghijklmnopqrstuvwxyz$' | sort -u | wc -l)
if [ "$whole" -ne "$count" ]; then
    echo "expected $count whole, distinct log lines from the threads, found $whole"
    exit 1
fi
echo "$whole log lines from concurrent threads, all whole"
