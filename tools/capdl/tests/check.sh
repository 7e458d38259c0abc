#!/bin/sh
# tools.sel4-capdl: check, dump and add-spec's command line on the specs beside this script.
#   check.sh SEL4_CAPDL DIR
set -u
tool=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
# expect STATUS STDOUT STDERR ARGS...: what the tool gives for ARGS.
expect() {
    status=$1 out=$2 err=$3
    shift 3
    "$tool" "$@" > "$work/out" 2> "$work/err"
    got=$?
    [ "$got" -eq "$status" ] || fail "$*: exit status $got, not $status"
    [ "$(cat "$work/out")" = "$out" ] || fail "$*: standard output '$(cat "$work/out")', not '$out'"
    [ "$(cat "$work/err")" = "$err" ] || fail "$*: standard error '$(cat "$work/err")', not '$err'"
}

expect 0 "$dir/good.json: 5 objects, consistent" "" check "$dir/good.json"
expect 1 "" "sel4-capdl: $dir/bad.json: object 1 'cnode': slot 1: a Endpoint cap to object 2 'buffer', which is a Frame
sel4-capdl: $dir/bad.json: object 4 'thread': no IPC buffer (slot 4)
sel4-capdl: $dir/bad.json: 2 problems" check "$dir/bad.json"
expect 1 "" "sel4-capdl: $work/none.json: cannot read: No such file or directory" check "$work/none.json"
printf '{"objects": [' > "$work/broken.json"
"$tool" check "$work/broken.json" > "$work/out" 2> "$work/err"
[ $? -eq 1 ] && grep -q "^sel4-capdl: $work/broken.json: not JSON: " "$work/err" || fail "broken JSON: $(cat "$work/err")"
expect 2 "" "sel4-capdl: error: A subcommand is required
Run 'sel4-capdl --help' for its usage." 

# With the kernel's configuration, its rules too.
expect 0 "$dir/good.json: 5 objects, consistent" "" check "$dir/good.json" --kernel-config "$dir/riscv64-config.json"
expect 0 "$dir/sched-context.json: 6 objects, consistent" "" check "$dir/sched-context.json"
expect 1 "" "sel4-capdl: $dir/sched-context.json: object 5 'sc': a SchedContext object, which only MCS kernels have (KERNEL_MCS is off)
sel4-capdl: $dir/sched-context.json: 1 problem" check "$dir/sched-context.json" --kernel-config "$dir/riscv64-config.json"
expect 1 "" "sel4-capdl: $dir/broken-config.json: MAX_NUM_NODES: expected a string" \
    check "$dir/good.json" --kernel-config "$dir/broken-config.json"

# The JSON dump reads back as the same spec, and is consistent.
"$tool" dump --format json "$dir/good.json" > "$work/normalised.json" || fail "dump --format json failed"
expect 0 "$work/normalised.json: 5 objects, consistent" "" check "$work/normalised.json"
"$tool" dump --format json "$work/normalised.json" > "$work/again.json"
cmp -s "$work/normalised.json" "$work/again.json" || fail "the JSON dump of the dump differs"

# The text dump shows the objects and the caps by slot.
"$tool" dump "$dir/good.json" > "$work/spec.cdl" || fail "dump failed"
for line in "  ep = Endpoint" "  cnode = CNode (4 bits)" "    fill [0, 0x10) from thread.elf at 0x1000" \
            "    0x1: ep (Endpoint, RW, badge: 0x5)" "    0: cnode (CNode, guard: 0, guard_size: 60)" \
            "  thread = Tcb (ip: 0x10000, sp: 0x20000, ipc_buffer_addr: 0x1000, prio: 100, max_prio: 100, affinity: 0, gpr0: 0x7)"; do
    grep -qxF -- "$line" "$work/spec.cdl" || fail "dump: no line '$line' in: $(cat "$work/spec.cdl")"
done
expect 2 "" "sel4-capdl: error: --format: xml not in {cdl,json}
Run 'sel4-capdl --help' for its usage." dump --format xml "$dir/good.json"

# add-spec: the command line (status 2), then a refusal (status 1) that leaves no output.
# capdl-tool.AddSpec.* attaches specs in-process.
expect 2 "" "sel4-capdl: error: --initializer is required
Run 'sel4-capdl --help' for its usage." add-spec --spec "$dir/good.json" --fill-dir "$dir" \
    --kernel-config "$dir/x86_64-config.json" -o "$work/out.elf"
expect 2 "" "sel4-capdl: error: --object-names: some not in {none,tcbs,all}
Run 'sel4-capdl --help' for its usage." add-spec --initializer "$work/none.elf" --spec "$dir/good.json" --fill-dir "$dir" \
    --kernel-config "$dir/x86_64-config.json" -o "$work/out.elf" --object-names some
expect 2 "" "sel4-capdl: error: --log-level: Value 6 not in range 0 to 5
Run 'sel4-capdl --help' for its usage." add-spec --initializer "$work/none.elf" --spec "$dir/good.json" --fill-dir "$dir" \
    --kernel-config "$dir/x86_64-config.json" -o "$work/out.elf" --log-level 6
expect 1 "" "sel4-capdl: $work/none.elf: cannot open: No such file or directory" \
    add-spec --initializer "$work/none.elf" --spec "$dir/good.json" --fill-dir "$dir" \
    --kernel-config "$dir/x86_64-config.json" -o "$work/out.elf"
expect 1 "" "sel4-capdl: $dir/broken-config.json: MAX_NUM_NODES: expected a string" \
    add-spec --initializer "$work/none.elf" --spec "$dir/good.json" --fill-dir "$dir" \
    --kernel-config "$dir/broken-config.json" -o "$work/out.elf"
! ls "$work" | grep -q '^out\.elf' || fail "add-spec left a file after refusing: $(ls "$work")"

[ "$failures" -eq 0 ] || exit 1
echo "PASS: sel4-capdl"
