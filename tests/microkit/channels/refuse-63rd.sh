#!/bin/sh
# microkit.channels' first part: the same system with a 63rd channel on the hub (id 62) is
# refused by the builder, with Microkit's message at the end's place and no image written;
# then the rest of the command line (the boot of the 62-channel system) runs.
#   refuse-63rd.sh SDK BOARD SYSTEM SEARCH_PATH OUT_DIR -- COMMAND...
set -eu
sdk=$1 board=$2 system=$3 search=$4 out=$5
shift 5
[ "$1" = "--" ] && shift
rm -rf "$out"
mkdir -p "$out"
status=0
MICROKIT_SDK=$sdk "$sdk/bin/microkit" "$system" --board "$board" --config debug --search-path "$search" \
    -o "$out/loader.img" -r "$out/report.txt" > "$out/log" 2>&1 || status=$?
cat "$out/log"
[ "$status" -eq 1 ] || { echo "refuse-63rd: the builder exited with $status, not 1"; exit 1; }
grep -Eq "^$system:[0-9]+:[0-9]+: error: id must be < 62" "$out/log" ||
    { echo "refuse-63rd: no 'id must be < 62' error at a place in $system"; exit 1; }
[ ! -e "$out/loader.img" ] && [ ! -e "$out/report.txt" ] || { echo "refuse-63rd: outputs left behind"; exit 1; }
echo "refuse-63rd: a 63rd channel is refused"
exec "$@"
