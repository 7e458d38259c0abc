#!/bin/sh
# rng.entropy's check across boots: runs the runner command ("$@") twice; each boot must
# pass and print one line "rng-entropy: 64 bytes: <128 hex digits>"; the two lines must
# differ (entropy, not a fixed sequence), and neither may be all one byte value (the client
# checks that too).
set -eu
first=$(mktemp)
second=$(mktemp)
trap 'rm -f "$first" "$second"' EXIT
for log in "$first" "$second"; do
    status=0
    "$@" > "$log" 2>&1 || status=$?
    cat "$log"
    if [ "$status" -ne 0 ]; then
        echo "rng.entropy: a boot failed (status $status)"
        exit "$status"
    fi
done
a=$(grep -o 'rng-entropy: 64 bytes: [0-9a-f]*' "$first" | head -n 1 | sed 's/.*: //')
b=$(grep -o 'rng-entropy: 64 bytes: [0-9a-f]*' "$second" | head -n 1 | sed 's/.*: //')
if [ "${#a}" -ne 128 ] || [ "${#b}" -ne 128 ]; then
    echo "rng.entropy: a boot printed no line of 64 bytes in hex"
    exit 1
fi
for hex in "$a" "$b"; do
    if [ -z "$(printf '%s' "$hex" | sed "s/$(printf '%s' "$hex" | cut -c1-2)//g")" ]; then
        echo "rng.entropy: all 64 bytes are one value: $hex"
        exit 1
    fi
done
if [ "$a" = "$b" ]; then
    echo "rng.entropy: both boots read the same bytes: $a"
    exit 1
fi
echo "rng.entropy: the two boots read different bytes"
