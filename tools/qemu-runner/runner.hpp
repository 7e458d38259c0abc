// The QEMU test runner: boots one image, streams its serial output, and decides
// the outcome from the program's own lines and from the kernel's fault reports.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sel4_runner {

struct Options {
    std::vector<std::string> command;          // emulator argv; command[0] is looked up in PATH
    std::chrono::milliseconds timeout{60'000};  // hard limit from start to success line
    std::string success_line = "cpp-sel4: test passed";
    std::string failure_line = "cpp-sel4: test failed";
    std::string pid_file;                       // where the emulator's pid is written, if set
    // After a fault report starts, keep reading this long so the whole report is shown.
    std::chrono::milliseconds fault_grace{500};
    // A Microkit monitor's error line (`MON|ERROR:`) is then ordinary output, for tests that
    // expect the monitor's report and check it themselves.
    bool allow_monitor_errors = false;
    // A program's fault reports (an abort, a kernel's fault line) are then ordinary output as
    // well, for tests of the fault path that check the report and its handling themselves.
    bool allow_faults = false;
};

enum class Verdict { passed, program_failed, fault, exited, timed_out, start_failed };

struct Outcome {
    Verdict verdict;
    std::string reason;  // one line, shown to the user
};

// What one line of output means to the runner.
// monitor_error: a line of the Microkit monitor's report on a faulting protection domain.
enum class LineKind { ordinary, success, failure, fault, monitor_error };

// Classifies a complete line (without its terminator).
LineKind classify_line(std::string_view line, const Options &options);

// Parses the command line (after the program name): options, then `--` and the emulator's
// command. Prints the help, the version or a usage error when asked for or needed.
struct ParseResult {
    std::optional<Options> options;  // set when the runner is to run
    int exit_status;                 // otherwise: 0 after the help or the version, 2 after a usage error
};
ParseResult parse_arguments(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

// Runs the emulator to an outcome. Every line of output is passed to `echo`
// as it arrives. The emulator and everything it started are dead on return.
Outcome run(const Options &options, const std::function<void(std::string_view)> &echo);

const char *verdict_name(Verdict verdict);

}  // namespace sel4_runner
