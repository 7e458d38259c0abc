#!/bin/sh
# microkit.cli: sel4-microkit as a command, the way a Microkit project's Makefile runs it, on a
# fake SDK that this script lays out: bin/microkit and bin/sel4-image (copies of the tools, as
# the SDK has them), and for each board board/<board>/debug/ with the kernel configuration of
# its arch (gen_config.<arch>.json beside this script, copied from the kernels of cpp-sel4's
# Microkit worlds) and stand-in ELF files built from stand-in.c. x86_64 stand-ins come from the
# host compiler and make complete systems; aarch64 and riscv64 ones come from Debian's cross
# compilers when they are installed (their checks are skipped otherwise).
#
# Every bad input must give exit status 1, a message naming the file at fault (file:line:col
# for the system description), and no output at all: no image, report, JSON file or
# directory, nor anything left in TMPDIR.
#
#   check-microkit.sh TOOL IMAGE_TOOL DATA_DIR HOST_CC
set -u
tool=$1 image_tool=$2 data=$3 host_cc=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 case_failures=0 skipped=0
sdk=$work/sdk in=$work/in out=$work/out
export TMPDIR=$work/tmp
mkdir -p "$sdk/bin" "$in" "$out" "$TMPDIR"
cp "$tool" "$sdk/bin/microkit"
cp "$image_tool" "$sdk/bin/sel4-image"

fail() {
    case_failures=$((case_failures + 1))
    failures=$((failures + 1))
    echo "FAIL: $what: $*"
}

# begin WHAT: a new case, with a clean output directory and TMPDIR, and the default options.
begin() {
    what=$1 case_failures=0
    config=debug report_json=report.json capdl_json=spec.json viper=viper
    rm -rf "$out" "$TMPDIR"
    mkdir -p "$out" "$TMPDIR"
}
end() {
    [ "$case_failures" -eq 0 ] && echo "ok: $what"
    return 0
}

# stand_in ROLE ARCH ELF: builds stand-in.c's ROLE for ARCH; false without its compiler.
compiler() {
    case $1 in
    x86_64) echo "$host_cc" ;;
    aarch64) echo aarch64-linux-gnu-gcc ;;
    riscv64) echo riscv64-linux-gnu-gcc ;;
    esac
}
stand_in() {
    cc=$(compiler "$2")
    command -v "$cc" > /dev/null 2>&1 || return 1
    "$cc" -x c -D "STAND_IN_$1" -O1 -fno-pie -no-pie -static -nostdlib -Wl,--build-id=none \
        -Wl,-T,"$data/stand-in.ld" -o "$3" "$data/stand-in.c" || { echo "FAIL: cannot build the $2 stand-in $1"; exit 1; }
}

# The boards: name, arch, and whether the kernel loader boots it (with a device tree).
boards="qemu_virt_aarch64:aarch64 qemu_virt_riscv64:riscv64 x86_64_generic:x86_64"
have_arch=
for entry in $boards; do
    board=${entry%%:*} arch=${entry#*:}
    dir=$sdk/board/$board/debug
    mkdir -p "$dir/elf" "$dir/include/kernel" "$dir/lib"
    cp "$data/gen_config.$arch.json" "$dir/include/kernel/gen_config.json"
    if stand_in KERNEL "$arch" "$dir/elf/sel4.elf"; then
        have_arch="$have_arch $arch"
        stand_in MONITOR "$arch" "$dir/elf/monitor.elf"
        stand_in INITIALISER "$arch" "$dir/elf/initialiser.elf"
        stand_in PD "$arch" "$in/pd-$arch.elf"
        stand_in BARE "$arch" "$in/bare-$arch.elf"
    else
        # The SDK's files exist, for the checks that come before any ELF file is read.
        for elf in sel4 monitor initialiser; do : > "$dir/elf/$elf.elf"; done
    fi
    if [ "$arch" != x86_64 ]; then
        : > "$dir/elf/loader.elf"
        mkdir -p "$dir/support"
        if command -v dtc > /dev/null 2>&1; then
            printf '/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>;\n  memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x80000000>; }; };\n' |
                dtc -q -I dts -O dtb -o "$dir/support/kernel.dtb" -
        else
            : > "$dir/support/kernel.dtb"
        fi
    fi
done
has_arch() { case " $have_arch " in *" $1 "*) return 0 ;; esac; return 1; }
printf 'a text file, not an ELF file\n' > "$in/text.elf"

# system NAME: the system description on standard input, as $in/NAME.system.
system() { cat > "$in/$1.system"; }
pd() { # pd NAME IMAGE [ATTRIBUTES]
    echo "    <protection_domain name=\"$1\" ${3:-}><program_image path=\"$2\"/></protection_domain>"
}

# microkit ARGS...: the tool as a Makefile runs it, in the output directory, with the inputs
# found through --search-path; its status in $status, its output in $work/stdout and stderr.
microkit() {
    (cd "$out" && MICROKIT_SDK=$sdk "$sdk/bin/microkit" "$@" --search-path "$in") > "$work/stdout" 2> "$work/stderr"
    status=$?
}
# build SYSTEM BOARD [ARGS...]: every output asked for, in the output directory; a case may
# change the configuration and the optional outputs' names before.
build() {
    sys=$1 board=$2
    shift 2
    microkit "$in/$sys.system" --board "$board" --config "$config" --report-json "$report_json" \
        --capdl-json "$capdl_json" --viper-output "$viper" "$@"
}
stderr() { cat "$work/stderr"; }

# refused TEXT...: the last run failed with status 1, its standard error says each TEXT, and
# it left nothing in the output directory or in TMPDIR.
refused() {
    [ "$status" -eq 1 ] || fail "exit status $status, not 1 (stderr: $(stderr))"
    for text in "$@"; do
        grep -qF -- "$text" "$work/stderr" || fail "the error does not say '$text': $(stderr)"
    done
    left=$(cd "$out" && find . -mindepth 1 | sort | tr '\n' ' ')
    [ -z "$left" ] || fail "outputs left behind: $left"
    left=$(cd "$TMPDIR" && find . -mindepth 1 -maxdepth 1 | tr '\n' ' ')
    [ -z "$left" ] || fail "left in TMPDIR: $left"
}
# refused_at SYSTEM LINE TEXT: refused, for the system description's line LINE (file:line:col).
refused_at() {
    refused "$3"
    grep -qE "^$(printf '%s' "$in/$1.system" | sed 's/[.[\*^$]/\\&/g'):$2:[0-9]+: " "$work/stderr" ||
        fail "the error is not at $in/$1.system:$2:<col>: $(stderr)"
}
# built FILE...: the last run succeeded and wrote each FILE of the output directory.
built() {
    [ "$status" -eq 0 ] || fail "exit status $status, not 0 (stderr: $(stderr))"
    for file in "$@"; do
        [ -s "$out/$file" ] || fail "no $file"
    done
}

# ---- A good system, on each board whose stand-ins could be built ------------------------
for entry in $boards; do
    board=${entry%%:*} arch=${entry#*:}
    { echo '<system>'; pd a "pd-$arch.elf" 'priority="10"'; pd b "pd-$arch.elf" 'priority="20"'
      echo '    <channel><end pd="a" id="0" pp="true"/><end pd="b" id="3"/></channel>'
      echo '</system>'; } | system "good-$arch"
done
begin "a good system on x86_64_generic"
build good-x86_64 x86_64_generic
built loader.img sel4.elf sel4_32.elf report.txt report.json spec.json
[ -d "$out/viper" ] || fail "no viper directory"
grep -q "^MICROKIT|BOOT MODULE: image file size = " "$work/stdout" || fail "no image size line: $(cat "$work/stdout")"
end

# ---- The SDK -------------------------------------------------------------------------------
begin "MICROKIT_SDK names no directory"
(cd "$out" && MICROKIT_SDK=$work/no-sdk "$sdk/bin/microkit" "$in/good-x86_64.system" --board x86_64_generic \
    --config debug) > "$work/stdout" 2> "$work/stderr"
status=$?
refused "$work/no-sdk"
end

begin "the SDK above the tool's bin/, without MICROKIT_SDK"
(cd "$out" && unset MICROKIT_SDK && "$sdk/bin/microkit" "$in/good-x86_64.system" --board x86_64_generic \
    --config debug --search-path "$in") > "$work/stdout" 2> "$work/stderr"
status=$?
built loader.img report.txt
end

begin "an unknown board, the SDK's boards listed"
build good-x86_64 no_such_board
refused "no_such_board" "$sdk" qemu_virt_aarch64 qemu_virt_riscv64 x86_64_generic
end

mkdir -p "$sdk/board/x86_64_generic/smp-debug/elf"
begin "an unknown configuration, the board's configurations listed"
config=release
build good-x86_64 x86_64_generic
refused "release" "x86_64_generic" "debug" "smp-debug"
end
rm -rf "$sdk/board/x86_64_generic/smp-debug"

# missing FILE (of board/x86_64_generic/debug): refused, naming it.
xdir=$sdk/board/x86_64_generic/debug
for file in include/kernel/gen_config.json elf/sel4.elf elf/initialiser.elf elf/monitor.elf; do
    begin "the SDK without $file"
    mv "$xdir/$file" "$work/moved"
    build good-x86_64 x86_64_generic
    refused "$xdir/$file"
    mv "$work/moved" "$xdir/$file"
    end
done

begin "a kernel configuration that is not JSON"
cp "$xdir/include/kernel/gen_config.json" "$work/saved"
echo '{"SEL4_ARCH": ' > "$xdir/include/kernel/gen_config.json"
build good-x86_64 x86_64_generic
refused "$xdir/include/kernel/gen_config.json"
cp "$work/saved" "$xdir/include/kernel/gen_config.json"
end

begin "--override-kernel naming no file"
build good-x86_64 x86_64_generic --override-kernel "$work/no-kernel.elf"
refused "$work/no-kernel.elf"
end

begin "--override-kernel with a file that is not an ELF file"
build good-x86_64 x86_64_generic --override-kernel "$in/text.elf"
refused "$in/text.elf"
end

for entry in qemu_virt_aarch64:aarch64 qemu_virt_riscv64:riscv64; do
    board=${entry%%:*} arch=${entry#*:}
    dir=$sdk/board/$board/debug
    begin "$board: the SDK without support/kernel.dtb"
    mv "$dir/support/kernel.dtb" "$work/moved"
    build "good-$arch" "$board"
    refused "$dir/support/kernel.dtb"
    mv "$work/moved" "$dir/support/kernel.dtb"
    end
    if has_arch "$arch"; then
        begin "$board: the SDK without elf/loader.elf"
        mv "$dir/elf/loader.elf" "$work/moved"
        build "good-$arch" "$board"
        refused "$dir/elf/loader.elf"
        mv "$work/moved" "$dir/elf/loader.elf"
        end
        begin "$board: a monitor.elf for another arch"
        cp "$dir/elf/monitor.elf" "$work/saved"
        cp "$xdir/elf/monitor.elf" "$dir/elf/monitor.elf"
        build "good-$arch" "$board"
        refused "$dir/elf/monitor.elf"
        cp "$work/saved" "$dir/elf/monitor.elf"
        end
    else
        echo "SKIP: $board's ELF checks: no $(compiler "$arch")"
        skipped=$((skipped + 1))
    fi
done

# ---- The system description ---------------------------------------------------------------
begin "a system description that does not exist"
build no-such x86_64_generic
refused "$in/no-such.system"
end

printf '<system>\n    <protection_domain name="a">\n</system>\n' | system malformed
begin "a system description that is not XML"
build malformed x86_64_generic
refused_at malformed 3 ""
end

{ echo '<system>'; pd a pd-x86_64.elf; pd b pd-x86_64.elf; echo '    <bogus/>'; echo '</system>'; } | system bad-element
begin "an element the SDF does not have"
build bad-element x86_64_generic
refused_at bad-element 4 "bogus"
end

{ echo '<system>'; pd a pd-x86_64.elf 'colour="red"'; echo '</system>'; } | system bad-attribute
begin "an attribute the SDF does not have"
build bad-attribute x86_64_generic
refused_at bad-attribute 2 "invalid attribute 'colour'"
end

{ echo '<system>'; pd a pd-x86_64.elf; pd b pd-x86_64.elf 'priority="255"'; echo '</system>'; } | system bad-priority
begin "a priority over 254"
build bad-priority x86_64_generic
refused_at bad-priority 3 "priority must be between 0 and 254"
end

{ echo '<system>'; pd a pd-x86_64.elf 'priority="10"'; pd b pd-x86_64.elf 'priority="10"'
  echo '    <channel><end pd="a" id="0" pp="true"/><end pd="b" id="0"/></channel>'; echo '</system>'; } | system bad-ppc
begin "a PPC to a PD of the same priority"
build bad-ppc x86_64_generic
refused_at bad-ppc 4 "PPCs must be to protection domains of strictly higher priorities"
end

{ echo '<system>'; pd a pd-aarch64.elf
  echo '    <protection_domain name="b"><program_image path="pd-aarch64.elf"/>'
  echo '        <ioport id="0" addr="0x3f8" size="8"/></protection_domain>'; echo '</system>'; } | system ioport-on-arm
# Microkit gives the line of the <protection_domain>, not of its <ioport>.
begin "qemu_virt_aarch64: an I/O port (x86 only): the board's kernel configuration is read"
build ioport-on-arm qemu_virt_aarch64
refused_at ioport-on-arm 3 "I/O Ports are only available on x86"
end

{ echo '<system>'; pd a missing.elf; echo '</system>'; } | system missing-image
begin "a program image not on the search path"
build missing-image x86_64_generic
refused "missing.elf"
end

{ echo '<system>'; pd a text.elf; echo '</system>'; } | system text-image
begin "a program image that is not an ELF file"
build text-image x86_64_generic
refused "$in/text.elf"
end

{ echo '<system>'; pd a bare-x86_64.elf; echo '</system>'; } | system bare-image
begin "a program image without libmicrokit's variables"
build bare-image x86_64_generic
refused "$in/bare-x86_64.elf" "microkit_name"
end

if has_arch aarch64; then
    begin "an aarch64 program image on x86_64_generic"
    build good-aarch64 x86_64_generic
    refused "$in/pd-aarch64.elf"
    end
fi

# ---- Channel ids: 62 (0..61) on one PD are Microkit's limit -------------------------------
# channels N: PD hub with N channels, ids 0..N-1, each to its own end on PD peer.
channels() {
    echo '<system>'
    pd hub pd-x86_64.elf
    pd peer pd-x86_64.elf
    i=0
    while [ "$i" -lt "$1" ]; do
        echo "    <channel><end pd=\"hub\" id=\"$i\"/><end pd=\"peer\" id=\"$i\"/></channel>"
        i=$((i + 1))
    done
    echo '</system>'
}
channels 62 | system channels-62
channels 63 | system channels-63
begin "62 channels on a PD (ids 0..61): accepted, and the system built"
build channels-62 x86_64_generic
built loader.img sel4.elf sel4_32.elf report.txt report.json spec.json
end
begin "63 channels on a PD: id 62 refused with Microkit's message, at its line"
build channels-63 x86_64_generic
refused_at channels-63 66 "id must be < 62"
end

# ---- The outputs: one that cannot be written leaves none of the others ---------------------
begin "-r in a directory that does not exist"
build good-x86_64 x86_64_generic -r "$out/no-dir/report.txt"
refused "$out/no-dir/report.txt"
end
begin "--report-json in a directory that does not exist"
report_json=$out/no-dir/report.json
build good-x86_64 x86_64_generic
refused "$out/no-dir/report.json"
end
begin "--capdl-json in a directory that does not exist"
capdl_json=$out/no-dir/spec.json
build good-x86_64 x86_64_generic
refused "$out/no-dir/spec.json"
end
begin "--viper-output naming a file"
viper=$in/text.elf
build good-x86_64 x86_64_generic
refused "$in/text.elf"
end
begin "-o in a directory that does not exist"
build good-x86_64 x86_64_generic -o "$out/no-dir/loader.img"
refused "$out/no-dir/loader.img"
end

# ---- Image types; command-line errors are usage errors (tools/cli: status 2) ---------------
begin "--image-type binary on x86_64_generic, which boots the ELF multiboot module"
build good-x86_64 x86_64_generic --image-type binary
refused "binary" "x86_64"
end

begin "--image-type of no such kind"
build good-x86_64 x86_64_generic --image-type srec
[ "$status" -eq 2 ] || fail "exit status $status, not 2"
grep -qF -- "srec" "$work/stderr" || fail "the error does not say 'srec': $(stderr)"
[ -z "$(ls -A "$out")" ] || fail "outputs left behind: $(ls -A "$out")"
end

echo "$failures failure(s), $skipped skipped"
[ "$failures" -eq 0 ] || exit 1
echo "PASS: microkit.cli"
