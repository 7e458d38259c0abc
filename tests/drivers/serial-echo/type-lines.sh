#!/bin/sh
# serial.echo's host side (sel4-qemu-run --client): its standard output is QEMU's standard
# input, the guest's serial port. Types a short line, then lines of 200 and 5000 characters
# ("0123456789" repeated), a pause before each.
set -eu
digits() {
    i=0
    line=
    while [ "$i" -lt "$1" ]; do
        line="${line}0123456789"
        i=$((i + 1))
    done
    printf '%s\r\n' "$line"
}
printf 'hello from the host\n'
sleep 0.3
digits 20
sleep 0.5
digits 500
sleep 0.3
