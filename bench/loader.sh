#!/usr/bin/env bash
# Kernel loader benchmark: its size, and its boot time from its first line
# to the kernel's first line, per loader world (built by scripts/setup.sh).
#   bench/loader.sh [runs]     (default 10 runs per world; prints medians)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}

printf '%-12s %8s %8s %8s %12s %14s\n' world text data+bss stripped "boot median" "(min..max, ms)"
for world in aarch64 aarch64-el1 aarch64-smp riscv64 riscv64-smp; do
    build=$repo/build/$world
    loader=$build/programs/kernel-loader/kernel-loader
    image=$build/tests/root-task.smoke.img
    if [ ! -f "$loader" ] || [ ! -f "$image" ]; then
        echo "$world: not built (run scripts/setup.sh with the kernel installed)"
        continue
    fi
    case $world in riscv64*) objtools=riscv64-linux-gnu- ;; *) objtools=aarch64-linux-gnu- ;; esac
    read -r text data bss _ < <("${objtools}size" "$loader" | tail -n 1)
    stripped=$(mktemp)
    "${objtools}strip" -o "$stripped" "$loader"
    stripped_size=$(stat -c %s "$stripped")
    rm -f "$stripped"
    qemu=$(sed -n 's/.*"--" "\(qemu-system-[a-z0-9_]*\)" \(.*\) "-kernel" .*/\1 \2/p' \
           <(ctest --test-dir "$build" -R '^root-task\.smoke$' -N -V) | tr -d '"' | head -n 1)
    # Wall time between the loader's first line and the kernel's first line, read
    # off the serial output as it arrives; QEMU is killed as soon as the kernel speaks.
    times=$(python3 - "$runs" "$image" $qemu <<'PY'
import subprocess, sys, time
runs, image, qemu = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
results = []
for _ in range(runs):
    p = subprocess.Popen(qemu + ["-kernel", image], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    start = None
    try:
        deadline = time.monotonic() + 30
        for line in p.stdout:
            now = time.monotonic()
            if start is None and line.startswith(b"kernel-loader:"):
                start = now
            elif start is not None and not line.startswith(b"kernel-loader:"):
                results.append((now - start) * 1000)
                break
            if now > deadline:
                break
    finally:
        p.kill()
        p.wait()
results.sort()
print(f"{results[len(results)//2]:.1f} {results[0]:.1f} {results[-1]:.1f}")
PY
)
    read -r median low high <<<"$times"
    printf '%-12s %8s %8s %8s %9s ms %14s\n' "$world" "$text" "$((data + bss))" "$stripped_size" "$median" "($low..$high)"
done
