#include "runner.hpp"

#include <cli.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sel4_runner {

namespace {

using Clock = std::chrono::steady_clock;

// Lines with which seL4 (debug + printing) reports trouble. A user fault
// without a handler is reported as a double fault ("Caught ...") on non-MCS
// kernels and as "Found thread has no fault handler" on MCS kernels. The kernel
// loader reports its own errors before seL4 runs; the runtime reports a thread it
// had to stop (abort, an uncaught exception).
constexpr std::array<std::string_view, 7> kernel_fault_markers = {
    "Caught ",
    "Found thread has no fault handler",
    "seL4 called fail at",
    "seL4 failed assertion",
    "halting...",
    "kernel-loader: error: ",
    "cpp-sel4: aborted: ",
};

bool starts_with_marker(std::string_view line) {
    for (auto marker : kernel_fault_markers) {
        if (line.find(marker) != std::string_view::npos) return true;
    }
    return false;
}

// Strips terminal noise that serial consoles put around lines.
std::string_view trim_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == '\r') line.remove_prefix(1);
    return line;
}

volatile sig_atomic_t pending_signal = 0;
void note_signal(int signal_number) { pending_signal = signal_number; }

// Ends the emulator's whole process group: politely first, then for certain.
void kill_group(pid_t pid) {
    ::kill(-pid, SIGTERM);
    auto deadline = Clock::now() + std::chrono::seconds(2);
    while (Clock::now() < deadline) {
        int status = 0;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) break;
        ::usleep(10'000);
    }
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    // Members of the group that outlived the leader (children of the emulator).
    ::kill(-pid, SIGKILL);
}

std::string describe_exit(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("was killed by signal ") + ::strsignal(WTERMSIG(status));
    return "stopped";
}

}  // namespace

const char *verdict_name(Verdict verdict) {
    switch (verdict) {
    case Verdict::passed: return "passed";
    case Verdict::program_failed: return "program reported failure";
    case Verdict::fault: return "fault";
    case Verdict::exited: return "emulator exited";
    case Verdict::timed_out: return "timeout";
    case Verdict::start_failed: return "could not start emulator";
    }
    return "?";
}

// The runtime's line for a program that ended (sel4/runtime/root_task.hpp, component.hpp).
constexpr std::array<std::string_view, 2> exit_lines = {"cpp-sel4: root task exited with status ",
                                                        "cpp-sel4: component exited with status "};

// The Microkit monitor (programs/microkit-monitor, as Microkit's own) starts each line of its
// report on a fault it handled with this; anywhere in the line, since a protection domain's
// unfinished output may precede it.
constexpr std::string_view monitor_error_marker = "MON|ERROR:";

LineKind classify_line(std::string_view raw, const Options &options) {
    std::string_view line = trim_line(raw);
    if (line == options.success_line) return LineKind::success;
    if (line.starts_with(options.failure_line)) return LineKind::failure;
    if (!options.allow_monitor_errors && !options.allow_faults &&
        line.find(monitor_error_marker) != std::string_view::npos)
        return LineKind::monitor_error;
    // A program that ended with a status other than 0, unless that is the success line.
    for (std::string_view exit : exit_lines)
        if (line.starts_with(exit) && line.substr(exit.size()) != "0") return LineKind::failure;
    if (!options.allow_faults && starts_with_marker(line)) return LineKind::fault;
    return LineKind::ordinary;
}

ParseResult parse_arguments(const std::vector<std::string> &args, std::ostream &out, std::ostream &err) {
    cpp_sel4_cli::Tool tool("sel4-qemu-run",
                            "Runs one on-target test in an emulator and reports its outcome in its last line.");
    tool.usage("Usage: sel4-qemu-run [OPTIONS] -- EMULATOR ARGS...");
    tool.footer("Everything after -- is the emulator's command line, passed on as it is (EMULATOR is looked up in "
                "PATH). Exit status: 0 passed, 1 failed (the reason is the last line printed), 2 usage error.");
    Options options;
    double seconds = std::chrono::duration<double>(options.timeout).count();
    const CLI::Validator positive_seconds(
        [](const std::string &value) {
            double number = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
            const bool valid = ec == std::errc() && end == value.data() + value.size() && std::isfinite(number) && number > 0;
            return valid ? std::string() : "not a positive number of seconds: '" + value + "'";
        },
        "");
    const CLI::Validator not_empty(
        [](const std::string &value) { return value.empty() ? std::string("must not be empty") : std::string(); }, "");
    tool.add_option("--timeout", seconds, "The hard limit from the start to the success line, in seconds")
        ->check(positive_seconds)
        ->type_name("S")
        ->capture_default_str();
    tool.add_option("--success", options.success_line, "The program's line that makes the test pass")
        ->check(not_empty)
        ->type_name("LINE")
        ->capture_default_str();
    tool.add_option("--failure", options.failure_line, "The start of the program's lines that make it fail")
        ->check(not_empty)
        ->type_name("PREFIX")
        ->capture_default_str();
    tool.add_option("--pid-file", options.pid_file, "Where to write the emulator's process id")->type_name("FILE");
    tool.add_flag("--allow-monitor-errors", options.allow_monitor_errors,
                  "Treat the Microkit monitor's 'MON|ERROR:' lines as ordinary output (for a test that checks "
                  "them itself) instead of failing on the first");
    tool.add_flag("--allow-faults", options.allow_faults,
                  "Treat fault reports (a program's abort, the kernel's and the monitor's fault lines) as ordinary "
                  "output, for a test of the fault path that checks them itself; only the success line passes it");

    const auto separator = std::find(args.begin(), args.end(), "--");
    if (auto status = tool.parse_arguments({args.begin(), separator}, out, err)) return {std::nullopt, *status};
    if (separator == args.end() || separator + 1 == args.end())
        return {std::nullopt, tool.usage_error("no emulator command after '--'", err)};
    options.command.assign(separator + 1, args.end());
    options.timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    return {options, 0};
}

Outcome run(const Options &options, const std::function<void(std::string_view)> &echo) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        return {Verdict::start_failed, std::string("pipe: ") + std::strerror(errno)};
    // An exec failure is reported through this pipe, so it is told apart from
    // an emulator that starts and then exits.
    int exec_fds[2];
    if (::pipe2(exec_fds, O_CLOEXEC) != 0) {
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        return {Verdict::start_failed, std::string("pipe: ") + std::strerror(errno)};
    }

    std::vector<char *> argv;
    for (const auto &arg : options.command) argv.push_back(const_cast<char *>(arg.c_str()));
    argv.push_back(nullptr);

    struct sigaction action {};
    action.sa_handler = note_signal;
    struct sigaction old_int {}, old_term {}, old_hup {};
    ::sigaction(SIGINT, &action, &old_int);
    ::sigaction(SIGTERM, &action, &old_term);
    ::sigaction(SIGHUP, &action, &old_hup);
    pending_signal = 0;

    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        return {Verdict::start_failed, std::string("fork: ") + std::strerror(errno)};
    }
    if (pid == 0) {
        ::setpgid(0, 0);
        // If the runner dies (even by SIGKILL), the emulator dies with it.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        int null_fd = ::open("/dev/null", O_RDONLY);
        ::dup2(null_fd, 0);
        ::dup2(pipe_fds[1], 1);
        ::dup2(pipe_fds[1], 2);
        ::execvp(argv[0], argv.data());
        int error = errno;
        [[maybe_unused]] auto written = ::write(exec_fds[1], &error, sizeof error);
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also from the parent, so kill(-pid) works at once
    ::close(pipe_fds[1]);
    ::close(exec_fds[1]);

    auto restore_signals = [&] {
        ::sigaction(SIGINT, &old_int, nullptr);
        ::sigaction(SIGTERM, &old_term, nullptr);
        ::sigaction(SIGHUP, &old_hup, nullptr);
    };

    int exec_error = 0;
    if (::read(exec_fds[0], &exec_error, sizeof exec_error) == sizeof exec_error) {
        ::close(exec_fds[0]);
        ::close(pipe_fds[0]);
        ::waitpid(pid, nullptr, 0);
        restore_signals();
        return {Verdict::start_failed, "cannot run '" + options.command[0] + "': " + std::strerror(exec_error)};
    }
    ::close(exec_fds[0]);

    if (!options.pid_file.empty()) {
        std::ofstream(options.pid_file) << pid << '\n';
    }

    const auto start = Clock::now();
    const auto deadline = start + options.timeout;
    std::optional<Clock::time_point> fault_deadline;
    std::optional<Outcome> outcome;
    std::string fault_report;
    bool fault_report_complete = false;
    bool fault_report_frozen = false;  // a monitor error: the reason is its first line alone
    std::string pending;
    bool eof = false;

    auto take_line = [&](std::string_view line) {
        echo(line);
        if (outcome) return;
        if (fault_deadline) {
            // The report runs from the first fault line up to the stack dump.
            std::string_view t = trim_line(line);
            if (t.starts_with("With stack")) fault_report_complete = true;
            if (!fault_report_complete && !fault_report_frozen && !t.empty() && fault_report.size() < 400)
                fault_report += " / " + std::string(t);
            return;
        }
        switch (classify_line(line, options)) {
        case LineKind::success: outcome = Outcome{Verdict::passed, std::string(trim_line(line))}; break;
        case LineKind::failure: outcome = Outcome{Verdict::program_failed, std::string(trim_line(line))}; break;
        case LineKind::fault:
            fault_report = std::string(trim_line(line));
            fault_deadline = Clock::now() + options.fault_grace;
            break;
        case LineKind::monitor_error:
            // The verdict and its reason are this line; the rest of the monitor's report (the
            // registers, the decoded fault) is still read for the grace period, to be echoed.
            fault_report = "monitor error: " + std::string(trim_line(line));
            fault_report_frozen = true;
            fault_deadline = Clock::now() + options.fault_grace;
            break;
        case LineKind::ordinary: break;
        }
    };

    char buffer[4096];
    while (!outcome) {
        if (pending_signal != 0) {
            outcome = Outcome{Verdict::start_failed, std::string("runner interrupted by ") + ::strsignal(pending_signal)};
            break;
        }
        auto now = Clock::now();
        if (fault_deadline && (fault_report_complete || now >= *fault_deadline)) {
            outcome = Outcome{Verdict::fault, fault_report};
            break;
        }
        if (now >= deadline) {
            char text[64];
            std::snprintf(text, sizeof text, "no success line within %.1f s",
                          std::chrono::duration<double>(options.timeout).count());
            outcome = Outcome{Verdict::timed_out, text};
            break;
        }
        if (eof) {
            // Output closed; wait (within the deadline) for the emulator to exit.
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) != pid) {
                ::usleep(10'000);
                continue;
            }
            if (fault_deadline) outcome = Outcome{Verdict::fault, fault_report};
            else outcome = Outcome{Verdict::exited, "emulator " + describe_exit(status) + " before the success line"};
            break;
        }
        auto limit = fault_deadline ? std::min(deadline, *fault_deadline) : deadline;
        auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(limit - now).count() + 1;
        struct pollfd pfd {pipe_fds[0], POLLIN, 0};
        int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(wait_ms, 100)));
        if (ready < 0 && errno != EINTR) {
            outcome = Outcome{Verdict::start_failed, std::string("poll: ") + std::strerror(errno)};
            break;
        }
        if (ready <= 0) continue;
        ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            eof = true;
            if (!pending.empty()) {
                take_line(pending);
                pending.clear();
            }
            continue;
        }
        pending.append(buffer, static_cast<size_t>(n));
        size_t begin = 0;
        for (size_t newline; (newline = pending.find('\n', begin)) != std::string::npos; begin = newline + 1) {
            take_line(std::string_view(pending).substr(begin, newline - begin));
        }
        pending.erase(0, begin);
        // A program that prints its success line without a newline and stops.
        if (!pending.empty() && !outcome) {
            if (classify_line(pending, options) == LineKind::success) {
                take_line(pending);
                pending.clear();
            }
        }
    }

    ::close(pipe_fds[0]);
    kill_group(pid);
    restore_signals();
    return *outcome;
}

}  // namespace sel4_runner
