#!/bin/sh
# microkit.cpp-api-symbols-*: what the Microkit tool and the system builder need of a PD's ELF
# file, checked with the world's nm and readelf:
#   check_symbols.sh <nm> <readelf> <pd.elf> full|minimal
# _start is the entry; the patched symbols and the PD's setvar symbols are defined in .data
# with Microkit's sizes; the first segment is at 0x200000; the minimal variant links no
# operator new and no exception machinery (__cxa_throw, __cxa_allocate_exception).
set -u
nm=$1 readelf=$2 elf=$3 variant=$4
status=0
fail() { echo "FAIL: $elf: $*"; status=1; }

symbols=$("$nm" -S "$elf") || { echo "FAIL: $nm -S $elf"; exit 1; }
# <name> <size> [<type>]: defined, with that size (hex, 16 digits as nm prints it), in .data.
expect() {
    line=$(printf '%s\n' "$symbols" | awk -v n="$1" '$NF == n && NF == 4')
    [ -n "$line" ] || { fail "no defined symbol '$1' with a size"; return; }
    size=$(printf '%s\n' "$line" | awk '{print $2}')
    [ $((0x$size)) -eq $(($2)) ] || fail "'$1' has size 0x$size, expected $2"
    type=$(printf '%s\n' "$line" | awk '{print $3}')
    case $type in
        D|d) ;;
        *) fail "'$1' is of type '$type', not in .data (the tool patches the file's bytes)" ;;
    esac
}
expect microkit_name 64
expect microkit_passive 1
for word in microkit_irqs microkit_notifications microkit_pps microkit_ioports uart_base buffer_paddr \
            counter_address shared; do
    expect $word 8
done

printf '%s\n' "$symbols" | awk '$NF == "_start" && ($(NF-1) == "T" || $(NF-1) == "t")' | grep -q . ||
    fail "no _start in .text"
entry=$("$readelf" -h "$elf" | awk '/Entry point address/ {print $NF}')
start=$(printf '%s\n' "$symbols" | awk '$NF == "_start" {print $1}')
[ $((entry)) -eq $((0x$start)) ] || fail "the entry $entry is not _start (0x$start)"
first_load=$("$readelf" -lW "$elf" | awk '$1 == "LOAD" {print $3; exit}')
[ $((first_load)) -eq $((0x200000)) ] || fail "the first segment is at $first_load, not 0x200000"

if [ "$variant" = minimal ]; then
    for symbol in _Znwm _Znam __cxa_throw __cxa_allocate_exception __gxx_personality_v0 malloc_usable_size; do
        printf '%s\n' "$symbols" | awk -v n="$symbol" '$NF == n' | grep -q . && fail "links '$symbol'"
    done
    printf '%s\n' "$symbols" | grep -q 'operator new' && fail "links an operator new"
    "$nm" -C "$elf" | grep -q 'operator new' && fail "links an operator new"
else
    for symbol in __cxa_throw _Znwm sel4_microkit_main; do
        printf '%s\n' "$symbols" | awk -v n="$symbol" '$NF == n' | grep -q . || fail "lacks '$symbol'"
    done
fi
[ $status -eq 0 ] && echo "ok: $elf ($variant)"
exit $status
