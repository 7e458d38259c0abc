// The QEMU test runner: boots one image, streams its serial output, and decides
// the outcome from the program's own lines and from the kernel's fault reports.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sel4_runner {

// A guest port that the emulator's user-mode network makes reachable from the host.
enum class Protocol { tcp, udp };
struct Forward {
    Protocol protocol;
    std::uint16_t guest_port;
    friend bool operator==(const Forward &, const Forward &) = default;
};

// A forward with the loopback port chosen for it on one run.
struct HostForward {
    Forward forward;
    std::uint16_t host_port;
};

// The token in the emulator's arguments that becomes the forwards' hostfwd options.
inline constexpr std::string_view hostfwd_token = "@HOSTFWD@";

// The emulator's output when a host port of a forward was taken after all (then the run is
// tried again with other ports).
inline constexpr std::string_view hostfwd_failure_text = "Could not set up host forwarding rule";

// How often the emulator is started when its forwards cannot be set up.
inline constexpr int forward_attempts = 3;

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
    // --forward: guest ports to reach from the host, each through a loopback port chosen at run time.
    std::vector<Forward> forwards;
    // --ready / --client: once the program prints a line that starts with ready_prefix, the client
    // command runs (under /bin/sh -c) with its standard output on the emulator's standard input;
    // the test then passes only when the client exits with status 0 as well. Both set or neither.
    std::string ready_prefix;
    std::string client_command;
};

enum class Verdict { passed, program_failed, fault, exited, timed_out, start_failed, client_failed };

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

// "tcp:1234" or "udp:53" (a guest port 1..65535); otherwise an error that names the text.
std::expected<Forward, std::string> parse_forward(std::string_view text);

// Chooses a free loopback port of each forward's protocol (binds port 0, reads the port the
// system gave, closes); the ports differ from each other.
std::expected<std::vector<HostForward>, std::string> choose_host_ports(const std::vector<Forward> &forwards);

// The command with each hostfwd_token replaced by ",hostfwd=tcp:127.0.0.1:HOST-:GUEST" for each
// forward, in order (nothing when there are none).
std::vector<std::string> substitute_hostfwd(const std::vector<std::string> &command,
                                            const std::vector<HostForward> &forwards);

// What the client finds in its environment besides the runner's own: SEL4_HOST=127.0.0.1 and
// SEL4_PORT_TCP_<guest>=<host> / SEL4_PORT_UDP_<guest>=<host> for each forward.
std::vector<std::string> client_environment(const std::vector<HostForward> &forwards);

// Runs the emulator to an outcome. Every line of output is passed to `echo`
// as it arrives (the client's standard error as "client| " lines, the runner's notes as
// "sel4-qemu-run: " lines). The emulator, the client and everything they started are dead on
// return.
Outcome run(const Options &options, const std::function<void(std::string_view)> &echo);

const char *verdict_name(Verdict verdict);

}  // namespace sel4_runner
