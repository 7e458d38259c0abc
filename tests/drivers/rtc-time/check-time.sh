#!/bin/sh
# Runs rtc.time and compares the guest's `rtc: unix time <seconds>` with the host's clock at
# the start (`date +%s`): within 60 s (QEMU's RTC is the host's clock).
#   check-time.sh -- RUNNER-COMMAND...
set -eu
[ "$1" = "--" ] && shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
status=0
"$@" > "$log" 2>&1 || status=$?
cat "$log"
[ "$status" -eq 0 ] || exit "$status"
guest=$(sed -n 's/.*rtc: unix time \([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
if [ -z "$guest" ]; then
    echo "check-time: no 'rtc: unix time' line"
    exit 1
fi
difference=$((guest - start))
[ "$difference" -lt 0 ] && difference=$((-difference))
echo "check-time: guest $guest, host at start $start: $difference s apart"
if [ "$difference" -gt 60 ]; then
    echo "check-time: more than 60 s apart"
    exit 1
fi
