// sel4-qemu-run: runs one on-target test in an emulator and reports its outcome.
//
//   sel4-qemu-run [--timeout S] [--success LINE] [--failure PREFIX] [--pid-file F] [--allow-monitor-errors]
//                 [--allow-faults] [--forward tcp|udp:GUESTPORT]... [--ready PREFIX --client COMMAND]
//                 -- qemu-system-... args
//
// Exit status: 0 passed, 1 failed (the reason is the last line printed), 2 usage error.
#include "runner.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>

int main(int argc, char **argv) {
    auto parsed = sel4_runner::parse_arguments({argv + 1, argv + argc}, std::cout, std::cerr);
    if (!parsed.options) return parsed.exit_status;
    const auto start = std::chrono::steady_clock::now();
    auto outcome = sel4_runner::run(*parsed.options, [](std::string_view line) {
        std::cout << line << '\n' << std::flush;
    });
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bool passed = outcome.verdict == sel4_runner::Verdict::passed;
    std::printf("sel4-qemu-run: %s after %.1f s: %s: %s\n", passed ? "PASS" : "FAIL", seconds,
                sel4_runner::verdict_name(outcome.verdict), outcome.reason.c_str());
    return passed ? 0 : 1;
}
