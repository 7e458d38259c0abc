#include "runner.hpp"

#include <cli.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

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

// Ends a child's whole process group (the emulator's, the client's): politely first, then for certain.
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

std::string seconds_text(std::chrono::milliseconds duration) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", std::chrono::duration<double>(duration).count());
    return text;
}

const char *protocol_name(Protocol protocol) { return protocol == Protocol::tcp ? "tcp" : "udp"; }

// A file descriptor that closes itself.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd &operator=(Fd &&other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

// Both ends of a new pipe (close-on-exec), or an error text.
std::expected<std::pair<Fd, Fd>, std::string> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return std::unexpected(std::string("pipe: ") + std::strerror(errno));
    return std::pair<Fd, Fd>{Fd(fds[0]), Fd(fds[1])};
}

// Splits what arrives on a pipe into lines.
class LineBuffer {
public:
    template <typename F> void append(std::string_view data, F &&take_line) {
        pending_.append(data);
        size_t begin = 0;
        for (size_t newline; (newline = pending_.find('\n', begin)) != std::string::npos; begin = newline + 1)
            take_line(std::string_view(pending_).substr(begin, newline - begin));
        pending_.erase(0, begin);
    }
    template <typename F> void flush(F &&take_line) {
        if (!pending_.empty()) take_line(std::string_view(pending_));
        pending_.clear();
    }
    std::string &pending() { return pending_; }

private:
    std::string pending_;
};

// The client: /bin/sh -c COMMAND in a process group of its own.
struct Client {
    pid_t pid = -1;
    Fd stderr_fd;  // the read end of its standard error
    LineBuffer stderr_lines;
    std::optional<int> status;  // once it has exited
};

// Starts the client with its standard output on `to_emulator`, its standard input on /dev/null
// and its standard error on a pipe of its own.
std::expected<Client, std::string> start_client(const std::string &command, const std::vector<HostForward> &forwards,
                                                int to_emulator) {
    auto error_pipe = make_pipe();
    if (!error_pipe) return std::unexpected(error_pipe.error());
    // The environment is made before fork: the runner's own, with the client's variables replacing any of
    // the same names.
    std::vector<std::string> added = client_environment(forwards);
    std::vector<std::string> environment;
    for (char **entry = environ; entry && *entry; ++entry) {
        std::string_view text(*entry);
        if (text.starts_with("SEL4_HOST=") || text.starts_with("SEL4_PORT_TCP_") || text.starts_with("SEL4_PORT_UDP_"))
            continue;
        environment.emplace_back(text);
    }
    environment.insert(environment.end(), added.begin(), added.end());
    std::vector<char *> envp;
    for (auto &entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::string shell = "/bin/sh", dash_c = "-c", text = command;
    char *argv[] = {shell.data(), dash_c.data(), text.data(), nullptr};

    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) return std::unexpected(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        int null_fd = ::open("/dev/null", O_RDONLY);
        ::dup2(null_fd, 0);
        ::dup2(to_emulator, 1);
        ::dup2(error_pipe->second.get(), 2);
        ::execve(argv[0], argv, envp.data());
        ::_exit(127);
    }
    ::setpgid(pid, pid);
    Client client;
    client.pid = pid;
    client.stderr_fd = std::move(error_pipe->first);
    return client;
}

// What one start of the emulator came to.
struct Attempt {
    Outcome outcome;
    bool forward_failed = false;  // the emulator said it could not set up a forward
};

}  // namespace

const char *verdict_name(Verdict verdict) {
    switch (verdict) {
    case Verdict::passed: return "passed";
    case Verdict::program_failed: return "program reported failure";
    case Verdict::fault: return "fault";
    case Verdict::exited: return "emulator exited";
    case Verdict::timed_out: return "timeout";
    case Verdict::start_failed: return "could not start emulator";
    case Verdict::client_failed: return "client failed";
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
    std::vector<std::string> forwards;
    const CLI::Validator forward_form(
        [](const std::string &value) {
            auto forward = parse_forward(value);
            return forward ? std::string() : forward.error();
        },
        "");
    tool.add_option("--forward", forwards,
                    "Make the guest's port reachable from the host (repeatable): a free 127.0.0.1 port is chosen "
                    "at run time and the token @HOSTFWD@ in the emulator's arguments becomes "
                    "',hostfwd=tcp:127.0.0.1:HOST-:GUEST' for each forward (e.g. -netdev user,id=net0@HOSTFWD@)")
        ->check(forward_form)
        ->type_name("tcp|udp:GUESTPORT")
        ->allow_extra_args(false);
    tool.add_option("--ready", options.ready_prefix,
                    "The start of the program's line after which the --client command runs")
        ->check(not_empty)
        ->type_name("PREFIX");
    tool.add_option("--client", options.client_command,
                    "A command (for /bin/sh -c) run once the --ready line came, with SEL4_HOST=127.0.0.1 and "
                    "SEL4_PORT_TCP_<guest>=<host> / SEL4_PORT_UDP_<guest>=<host> for the forwards in its "
                    "environment, its standard output on the emulator's standard input (the serial console "
                    "with -serial stdio), its standard error shown as 'client| ' lines. The test passes only when "
                    "the success line came and the client exited with status 0; the client and its process "
                    "group are killed at the end")
        ->check(not_empty)
        ->type_name("COMMAND");

    const auto separator = std::find(args.begin(), args.end(), "--");
    if (auto status = tool.parse_arguments({args.begin(), separator}, out, err)) return {std::nullopt, *status};
    if (separator == args.end() || separator + 1 == args.end())
        return {std::nullopt, tool.usage_error("no emulator command after '--'", err)};
    options.command.assign(separator + 1, args.end());
    for (const std::string &text : forwards) {
        Forward forward = *parse_forward(text);
        if (std::ranges::find(options.forwards, forward) != options.forwards.end())
            return {std::nullopt, tool.usage_error("--forward " + text + " given twice", err)};
        options.forwards.push_back(forward);
    }
    const bool has_token = std::ranges::any_of(
        options.command, [](const std::string &arg) { return arg.find(hostfwd_token) != std::string::npos; });
    if (!options.forwards.empty() && !has_token)
        return {std::nullopt, tool.usage_error("--forward needs the token " + std::string(hostfwd_token) +
                                                   " in the emulator's arguments (e.g. -netdev user,id=net0" +
                                                   std::string(hostfwd_token) + ")",
                                               err)};
    if (options.ready_prefix.empty() != options.client_command.empty())
        return {std::nullopt, tool.usage_error(options.client_command.empty() ? "--ready needs --client"
                                                                              : "--client needs --ready",
                                               err)};
    options.timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    return {options, 0};
}

std::expected<Forward, std::string> parse_forward(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return std::unexpected("not a forward of the form tcp:PORT or udp:PORT (" + std::string(why) + "): '" +
                               std::string(text) + "'");
    };
    Forward forward{};
    std::string_view port;
    if (text.starts_with("tcp:")) forward.protocol = Protocol::tcp;
    else if (text.starts_with("udp:")) forward.protocol = Protocol::udp;
    else return bad("the protocol is tcp or udp");
    port = text.substr(4);
    unsigned number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || number == 0 || number > 65535)
        return bad("the guest port is 1 to 65535");
    forward.guest_port = static_cast<std::uint16_t>(number);
    return forward;
}

std::expected<std::vector<HostForward>, std::string> choose_host_ports(const std::vector<Forward> &forwards) {
    // All sockets stay bound until every port is chosen, so that the system gives each a port of
    // its own; a port already chosen for the other protocol is not taken twice either.
    std::vector<Fd> sockets;
    std::vector<HostForward> chosen;
    for (const Forward &forward : forwards) {
        for (int tries = 0;; ++tries) {
            if (tries == 16) return std::unexpected(std::string("no free loopback port found"));
            Fd socket(::socket(AF_INET, (forward.protocol == Protocol::tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0));
            if (!socket) return std::unexpected(std::string("socket: ") + std::strerror(errno));
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            address.sin_port = 0;
            if (::bind(socket.get(), reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
                return std::unexpected(std::string("bind 127.0.0.1:0: ") + std::strerror(errno));
            socklen_t length = sizeof address;
            if (::getsockname(socket.get(), reinterpret_cast<sockaddr *>(&address), &length) != 0)
                return std::unexpected(std::string("getsockname: ") + std::strerror(errno));
            auto port = ntohs(address.sin_port);
            sockets.push_back(std::move(socket));
            if (std::ranges::any_of(chosen, [&](const HostForward &f) { return f.host_port == port; })) continue;
            chosen.push_back({forward, port});
            break;
        }
    }
    return chosen;
}

std::vector<std::string> substitute_hostfwd(const std::vector<std::string> &command,
                                            const std::vector<HostForward> &forwards) {
    std::string options;
    for (const HostForward &f : forwards)
        options += std::string(",hostfwd=") + protocol_name(f.forward.protocol) + ":127.0.0.1:" +
                   std::to_string(f.host_port) + "-:" + std::to_string(f.forward.guest_port);
    std::vector<std::string> result;
    for (std::string arg : command) {
        for (size_t at = 0; (at = arg.find(hostfwd_token, at)) != std::string::npos; at += options.size())
            arg.replace(at, hostfwd_token.size(), options);
        result.push_back(std::move(arg));
    }
    return result;
}

std::vector<std::string> client_environment(const std::vector<HostForward> &forwards) {
    std::vector<std::string> environment{"SEL4_HOST=127.0.0.1"};
    for (const HostForward &f : forwards)
        environment.push_back(std::string("SEL4_PORT_") + (f.forward.protocol == Protocol::tcp ? "TCP_" : "UDP_") +
                              std::to_string(f.forward.guest_port) + "=" + std::to_string(f.host_port));
    return environment;
}

namespace {

// One start of the emulator (with `command`, its forwards substituted) up to an outcome, before
// `deadline`. The emulator and the client are dead on return.
Attempt run_attempt(const Options &options, const std::vector<std::string> &command,
                    const std::vector<HostForward> &forwards, Clock::time_point deadline,
                    const std::function<void(std::string_view)> &echo) {
    const bool with_client = !options.client_command.empty();
    auto output_pipe = make_pipe();
    if (!output_pipe) return {{Verdict::start_failed, output_pipe.error()}};
    // An exec failure is reported through this pipe, so it is told apart from
    // an emulator that starts and then exits.
    auto exec_pipe = make_pipe();
    if (!exec_pipe) return {{Verdict::start_failed, exec_pipe.error()}};
    // With a client, the emulator's standard input is a pipe that the client writes (the runner
    // keeps the write end open to the end, so the emulator never sees its input end); otherwise
    // /dev/null.
    std::pair<Fd, Fd> input_pipe;
    if (with_client) {
        auto made = make_pipe();
        if (!made) return {{Verdict::start_failed, made.error()}};
        input_pipe = std::move(*made);
    }

    std::vector<char *> argv;
    for (const auto &arg : command) argv.push_back(const_cast<char *>(arg.c_str()));
    argv.push_back(nullptr);

    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) return {{Verdict::start_failed, std::string("fork: ") + std::strerror(errno)}};
    if (pid == 0) {
        ::setpgid(0, 0);
        // If the runner dies (even by SIGKILL), the emulator dies with it.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        int input_fd = with_client ? input_pipe.first.get() : ::open("/dev/null", O_RDONLY);
        ::dup2(input_fd, 0);
        ::dup2(output_pipe->second.get(), 1);
        ::dup2(output_pipe->second.get(), 2);
        ::execvp(argv[0], argv.data());
        int error = errno;
        [[maybe_unused]] auto written = ::write(exec_pipe->second.get(), &error, sizeof error);
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also from the parent, so kill(-pid) works at once
    output_pipe->second.reset();
    exec_pipe->second.reset();
    input_pipe.first.reset();
    const int output_fd = output_pipe->first.get();

    int exec_error = 0;
    if (::read(exec_pipe->first.get(), &exec_error, sizeof exec_error) == sizeof exec_error) {
        ::waitpid(pid, nullptr, 0);
        return {{Verdict::start_failed, "cannot run '" + command[0] + "': " + std::strerror(exec_error)}};
    }
    exec_pipe->first.reset();

    if (!options.pid_file.empty()) {
        std::ofstream(options.pid_file) << pid << '\n';
    }

    std::optional<Clock::time_point> fault_deadline;
    std::optional<Outcome> outcome;
    std::string fault_report;
    bool fault_report_complete = false;
    bool fault_report_frozen = false;  // a monitor error: the reason is its first line alone
    LineBuffer output_lines;
    bool eof = false;
    bool emulator_reaped = false;
    bool forward_failed = false;
    std::optional<Client> client;
    std::optional<std::string> success;  // the success line, when it came before the client's end

    auto take_client_line = [&](std::string_view line) { echo("client| " + std::string(trim_line(line))); };
    // Reads what the client's standard error holds now (all of it, up to a bound, with `drain`);
    // closes it at its end.
    auto read_client_errors = [&](bool drain) {
        char buffer[4096];
        for (int chunks = 0; client && client->stderr_fd && chunks < 256; ++chunks) {
            struct pollfd pfd {client->stderr_fd.get(), POLLIN, 0};
            if (::poll(&pfd, 1, 0) <= 0) return;
            ssize_t n = ::read(client->stderr_fd.get(), buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                client->stderr_lines.flush(take_client_line);
                client->stderr_fd.reset();
                return;
            }
            client->stderr_lines.append(std::string_view(buffer, static_cast<size_t>(n)), take_client_line);
            if (!drain) return;
        }
    };

    auto take_line = [&](std::string_view line) {
        echo(line);
        if (line.find(hostfwd_failure_text) != std::string_view::npos) forward_failed = true;
        if (outcome || success) return;
        if (fault_deadline) {
            // The report runs from the first fault line up to the stack dump.
            std::string_view t = trim_line(line);
            if (t.starts_with("With stack")) fault_report_complete = true;
            if (!fault_report_complete && !fault_report_frozen && !t.empty() && fault_report.size() < 400)
                fault_report += " / " + std::string(t);
            return;
        }
        if (with_client && !client && trim_line(line).starts_with(options.ready_prefix)) {
            echo("sel4-qemu-run: the ready line came; starting the client: " + options.client_command);
            auto started = start_client(options.client_command, forwards, input_pipe.second.get());
            if (!started) {
                outcome = Outcome{Verdict::start_failed, "cannot start the client: " + started.error()};
                return;
            }
            client = std::move(*started);
        }
        switch (classify_line(line, options)) {
        case LineKind::success:
            if (!with_client) outcome = Outcome{Verdict::passed, std::string(trim_line(line))};
            else if (!client)
                outcome = Outcome{Verdict::client_failed, "the success line came before the ready line '" +
                                                              options.ready_prefix + "': the client did not run"};
            else if (client->status) outcome = Outcome{Verdict::passed, std::string(trim_line(line))};  // it exited 0
            else success = std::string(trim_line(line));
            break;
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
        if (client && !client->status) {
            int status = 0;
            if (::waitpid(client->pid, &status, WNOHANG) == client->pid) {
                client->status = status;
                read_client_errors(true);
                if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
                    outcome = Outcome{Verdict::client_failed, "client " + describe_exit(status) +
                                                                  (success ? " after the success line" : "")};
                    break;
                }
                echo("sel4-qemu-run: the client exited with status 0");
                if (success) {
                    outcome = Outcome{Verdict::passed, *success};
                    break;
                }
            }
        }
        auto now = Clock::now();
        if (fault_deadline && (fault_report_complete || now >= *fault_deadline)) {
            outcome = Outcome{Verdict::fault, fault_report};
            break;
        }
        if (now >= deadline) {
            std::string reason = "no success line within " + seconds_text(options.timeout);
            if (success) reason = "the success line came but the client did not end within " + seconds_text(options.timeout);
            else if (with_client && !client)
                reason += " (no ready line '" + options.ready_prefix + "' either: the client did not run)";
            else if (client && !client->status) reason += " (the client was still running)";
            outcome = Outcome{Verdict::timed_out, reason};
            break;
        }
        if (eof && !emulator_reaped) {
            // Output closed; wait (within the deadline) for the emulator to exit.
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                emulator_reaped = true;
                if (!success) {
                    if (fault_deadline) outcome = Outcome{Verdict::fault, fault_report};
                    else outcome = Outcome{Verdict::exited, "emulator " + describe_exit(status) + " before the success line"};
                    break;
                }
                // After the success line the client decides; it has the rest of the time.
            }
        }
        struct pollfd pfds[2];
        nfds_t count = 0;
        if (!eof) pfds[count++] = {output_fd, POLLIN, 0};
        if (client && client->stderr_fd) pfds[count++] = {client->stderr_fd.get(), POLLIN, 0};
        auto limit = fault_deadline ? std::min(deadline, *fault_deadline) : deadline;
        auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(limit - now).count() + 1;
        // A client or an emulator that may end without a word is looked at often.
        long long most = (eof || (client && !client->status)) ? 10 : 100;
        int ready = count == 0 ? (::usleep(10'000), 0)
                               : ::poll(pfds, count, static_cast<int>(std::min<long long>(wait_ms, most)));
        if (ready < 0 && errno != EINTR) {
            outcome = Outcome{Verdict::start_failed, std::string("poll: ") + std::strerror(errno)};
            break;
        }
        if (ready <= 0) continue;
        for (nfds_t i = 0; i < count; ++i) {
            if (pfds[i].revents == 0) continue;
            if (pfds[i].fd != output_fd) {
                read_client_errors(false);
                continue;
            }
            ssize_t n = ::read(output_fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                eof = true;
                output_lines.flush(take_line);
                continue;
            }
            output_lines.append(std::string_view(buffer, static_cast<size_t>(n)), take_line);
            // A program that prints its success line without a newline and stops.
            std::string &pending = output_lines.pending();
            if (!pending.empty() && !outcome && !success && classify_line(pending, options) == LineKind::success)
                output_lines.flush(take_line);
        }
    }

    // The client first, so that it does not report the emulator's end as its failure.
    if (client) {
        read_client_errors(true);
        kill_group(client->pid);
        if (client->stderr_fd) client->stderr_lines.flush(take_client_line);
    }
    output_pipe->first.reset();
    kill_group(pid);
    return {*outcome, forward_failed};
}

}  // namespace

Outcome run(const Options &options, const std::function<void(std::string_view)> &echo) {
    struct sigaction action {};
    action.sa_handler = note_signal;
    struct sigaction old_int {}, old_term {}, old_hup {};
    ::sigaction(SIGINT, &action, &old_int);
    ::sigaction(SIGTERM, &action, &old_term);
    ::sigaction(SIGHUP, &action, &old_hup);
    pending_signal = 0;

    const auto deadline = Clock::now() + options.timeout;
    Attempt attempt;
    for (int number = 1;; ++number) {
        auto forwards = choose_host_ports(options.forwards);
        if (!forwards) {
            attempt = {{Verdict::start_failed, "cannot choose host ports for the forwards: " + forwards.error()}};
            break;
        }
        for (const HostForward &f : *forwards)
            echo(std::string("sel4-qemu-run: forwarding ") + protocol_name(f.forward.protocol) + " 127.0.0.1:" +
                 std::to_string(f.host_port) + " to the guest's port " + std::to_string(f.forward.guest_port));
        attempt = run_attempt(options, substitute_hostfwd(options.command, *forwards), *forwards, deadline, echo);
        if (attempt.outcome.verdict != Verdict::exited || !attempt.forward_failed || options.forwards.empty()) break;
        if (number == forward_attempts) {
            attempt.outcome.reason +=
                " (it could not set up the host forwards in " + std::to_string(forward_attempts) + " attempts)";
            break;
        }
        echo("sel4-qemu-run: the emulator could not set up a host forward (a port taken meanwhile?); "
             "trying again with other ports");
    }

    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
    ::sigaction(SIGHUP, &old_hup, nullptr);
    return attempt.outcome;
}

}  // namespace sel4_runner
