// The runner against fake emulators: small shell scripts that print what QEMU
// and seL4 would, or misbehave the way a broken test does.
#include "../runner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <signal.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

using namespace sel4_runner;
using namespace std::chrono_literals;

namespace {

struct Run {
    Outcome outcome;
    std::vector<std::string> lines;
    std::chrono::duration<double> elapsed;
};

Run run_script(const std::string &script, std::chrono::milliseconds timeout = 5s, Options options = {}) {
    options.command = {"/bin/sh", "-c", script};
    options.timeout = timeout;
    Run result{};
    auto start = std::chrono::steady_clock::now();
    result.outcome = run(options, [&](std::string_view line) { result.lines.emplace_back(line); });
    result.elapsed = std::chrono::steady_clock::now() - start;
    return result;
}

std::string temp_path(const char *name) {
    return ::testing::TempDir() + "/runner-test-" + std::to_string(::getpid()) + "-" + name;
}

pid_t read_pid(const std::string &path) {
    std::ifstream in(path);
    pid_t pid = 0;
    in >> pid;
    return pid;
}

// True while the process exists and is not a zombie.
bool alive(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return false;
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    auto close = text.rfind(')');
    return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

bool eventually_dead(pid_t pid) {
    for (int i = 0; i < 200 && alive(pid); ++i) ::usleep(10'000);
    return !alive(pid);
}

}  // namespace

TEST(Classify, SuccessFailureFaultOrdinary) {
    Options o;
    EXPECT_EQ(classify_line("cpp-sel4: test passed", o), LineKind::success);
    EXPECT_EQ(classify_line("cpp-sel4: test passed\r", o), LineKind::success);
    EXPECT_EQ(classify_line("\rcpp-sel4: test passed", o), LineKind::success);
    EXPECT_EQ(classify_line("cpp-sel4: test passed but not really", o), LineKind::ordinary);
    EXPECT_EQ(classify_line("cpp-sel4: test failed: 2 != 3", o), LineKind::failure);
    EXPECT_EQ(classify_line("Caught cap fault in send phase at address 0", o), LineKind::fault);
    EXPECT_EQ(classify_line("Found thread has no fault handler while trying to handle:", o), LineKind::fault);
    EXPECT_EQ(classify_line("seL4 called fail at src/x.c:1 in function f, saying \"x\"", o), LineKind::fault);
    EXPECT_EQ(classify_line("kernel-loader: error: the payload's kernel needs 2 cores", o), LineKind::fault);
    EXPECT_EQ(classify_line("cpp-sel4: aborted: uncaught exception: x", o), LineKind::fault);
    EXPECT_EQ(classify_line("seL4 failed assertion 'x' at src/x.c:1 in function f", o), LineKind::fault);
    EXPECT_EQ(classify_line("Booting all finished, dropped to user space", o), LineKind::ordinary);
    // A program that ended: a failure for a status other than 0, unless that is the success line.
    EXPECT_EQ(classify_line("cpp-sel4: root task exited with status 0", o), LineKind::ordinary);
    EXPECT_EQ(classify_line("cpp-sel4: component exited with status 0", o), LineKind::ordinary);
    EXPECT_EQ(classify_line("cpp-sel4: root task exited with status 1", o), LineKind::failure);
    EXPECT_EQ(classify_line("cpp-sel4: component exited with status -3", o), LineKind::failure);
    o.success_line = "cpp-sel4: root task exited with status 3";
    EXPECT_EQ(classify_line("cpp-sel4: root task exited with status 3", o), LineKind::success);
}

TEST(Classify, MicrokitMonitorErrors) {
    Options o;
    EXPECT_EQ(classify_line("MON|ERROR: faulting PD: client", o), LineKind::monitor_error);
    EXPECT_EQ(classify_line("MON|ERROR: received message 0x00000006  badge: 0x0000000000000001", o),
              LineKind::monitor_error);
    // After a protection domain's unfinished line, on the same line.
    EXPECT_EQ(classify_line("client: count=3MON|ERROR: faulting PD: client\r", o), LineKind::monitor_error);
    EXPECT_EQ(classify_line("MON|INFO: PD 'server' is now passive!", o), LineKind::ordinary);
    EXPECT_EQ(classify_line("MON|ERROR faulting PD: client", o), LineKind::ordinary);
    o.allow_monitor_errors = true;
    EXPECT_EQ(classify_line("MON|ERROR: faulting PD: client", o), LineKind::ordinary);
    // The other markers still count.
    EXPECT_EQ(classify_line("cpp-sel4: aborted: x", o), LineKind::fault);
}

TEST(Classify, AllowedFaults) {
    Options o;
    o.allow_faults = true;
    EXPECT_EQ(classify_line("cpp-sel4: aborted: uncaught exception", o), LineKind::ordinary);
    EXPECT_EQ(classify_line("MON|ERROR: faulting PD: client", o), LineKind::ordinary);
    // The program's own verdicts still count.
    EXPECT_EQ(classify_line("cpp-sel4: test passed", o), LineKind::success);
    EXPECT_EQ(classify_line("cpp-sel4: test failed: x", o), LineKind::failure);
}

namespace {

struct Parsed {
    ParseResult result;
    std::string out, err;
};

Parsed parse(const std::vector<std::string> &args) {
    std::ostringstream out, err;
    ParseResult result = parse_arguments(args, out, err);
    return {result, out.str(), err.str()};
}

// The usage error that parsing args reports (and that it is one).
std::string usage_error(const std::vector<std::string> &args) {
    Parsed p = parse(args);
    EXPECT_FALSE(p.result.options);
    EXPECT_EQ(p.result.exit_status, 2);
    EXPECT_EQ(p.out, "");
    return p.err;
}

}  // namespace

TEST(Arguments, Valid) {
    Parsed p = parse({"--timeout", "2.5", "--success", "ok", "--failure", "bad", "--pid-file", "p",
                      "--", "qemu", "-m", "512", "--", "--timeout"});
    ASSERT_TRUE(p.result.options) << p.err;
    EXPECT_EQ(p.result.options->timeout, 2500ms);
    EXPECT_EQ(p.result.options->success_line, "ok");
    EXPECT_EQ(p.result.options->failure_line, "bad");
    EXPECT_EQ(p.result.options->pid_file, "p");
    EXPECT_FALSE(p.result.options->allow_monitor_errors);
    // Everything after the first -- is the emulator's, options and -- included.
    EXPECT_EQ(p.result.options->command, (std::vector<std::string>{"qemu", "-m", "512", "--", "--timeout"}));
    EXPECT_EQ(p.out + p.err, "");

    Parsed defaults = parse({"--", "qemu"});
    ASSERT_TRUE(defaults.result.options);
    EXPECT_EQ(defaults.result.options->timeout, 60s);
    EXPECT_EQ(defaults.result.options->success_line, "cpp-sel4: test passed");
    EXPECT_FALSE(defaults.result.options->allow_monitor_errors);

    Parsed allowing = parse({"--allow-monitor-errors", "--", "qemu"});
    ASSERT_TRUE(allowing.result.options) << allowing.err;
    EXPECT_TRUE(allowing.result.options->allow_monitor_errors);
    EXPECT_FALSE(allowing.result.options->allow_faults);

    Parsed faults = parse({"--allow-faults", "--", "qemu"});
    ASSERT_TRUE(faults.result.options) << faults.err;
    EXPECT_TRUE(faults.result.options->allow_faults);
}

TEST(Arguments, Invalid) {
    for (const char *value : {"x", "-1", "0", "5s", "inf"})
        EXPECT_EQ(usage_error({"--timeout", value, "--", "q"}),
                  "sel4-qemu-run: error: --timeout: not a positive number of seconds: '" + std::string(value) +
                      "'\nRun 'sel4-qemu-run --help' for its usage.\n");
    EXPECT_NE(usage_error({"--timeout"}).find("--timeout"), std::string::npos);
    EXPECT_EQ(usage_error({"--frobnicate", "--", "q"}),
              "sel4-qemu-run: error: The following argument was not expected: --frobnicate\n"
              "Run 'sel4-qemu-run --help' for its usage.\n");
    EXPECT_EQ(usage_error({"qemu", "-m", "512"}).rfind("sel4-qemu-run: error: ", 0), 0u);
    EXPECT_NE(usage_error({"--"}).find("sel4-qemu-run: error: no emulator command after '--'\n"), std::string::npos);
    EXPECT_NE(usage_error({"--timeout", "3"}).find("no emulator command"), std::string::npos);
    EXPECT_NE(usage_error({"--success", "", "--", "q"}).find("--success: must not be empty"), std::string::npos);
}

TEST(Arguments, HelpAndVersion) {
    Parsed help = parse({"--help"});
    EXPECT_FALSE(help.result.options);
    EXPECT_EQ(help.result.exit_status, 0);
    EXPECT_NE(help.out.find("-- EMULATOR ARGS..."), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--timeout"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--allow-monitor-errors"), std::string::npos) << help.out;
    Parsed version = parse({"--version", "--", "ignored"});
    EXPECT_FALSE(version.result.options);
    EXPECT_EQ(version.result.exit_status, 0);
    EXPECT_EQ(version.out.rfind("sel4-qemu-run (cpp-sel4) ", 0), 0u) << version.out;
}

TEST(Run, PassesOnSuccessLineAndEchoesOutput) {
    auto r = run_script("echo 'seL4 booting'; echo 'cpp-sel4: test passed'; sleep 30");
    EXPECT_EQ(r.outcome.verdict, Verdict::passed);
    EXPECT_EQ(r.lines, (std::vector<std::string>{"seL4 booting", "cpp-sel4: test passed"}));
    EXPECT_LT(r.elapsed.count(), 4.0);  // does not wait for the emulator to end by itself
}

TEST(Run, SuccessLineSplitAcrossWritesAndWithoutNewline) {
    auto split = run_script("printf 'cpp-sel4: te'; sleep 0.2; printf 'st passed\\r\\n'; sleep 30");
    EXPECT_EQ(split.outcome.verdict, Verdict::passed);
    auto unterminated = run_script("printf 'cpp-sel4: test passed'; sleep 30");
    EXPECT_EQ(unterminated.outcome.verdict, Verdict::passed);
}

TEST(Run, FailsOnProgramFailureLine) {
    auto r = run_script("echo 'cpp-sel4: test failed: expected 4, got 5'; echo 'cpp-sel4: test passed'");
    EXPECT_EQ(r.outcome.verdict, Verdict::program_failed);
    EXPECT_EQ(r.outcome.reason, "cpp-sel4: test failed: expected 4, got 5");
}

TEST(Run, FailsOnKernelFaultReportWithWholeReport) {
    auto r = run_script("echo 'Caught cap fault in send phase at address 0'; echo 'while trying to handle:';"
                        "echo 'vm fault on data at address 0 with status 0x6';"
                        "echo 'in thread 0xffffff8 \"rootserver\" at address 0x401000'; echo 'With stack:';"
                        "echo '0x4011f0: 0x0'; sleep 30");
    EXPECT_EQ(r.outcome.verdict, Verdict::fault);
    EXPECT_NE(r.outcome.reason.find("Caught cap fault"), std::string::npos);
    EXPECT_NE(r.outcome.reason.find("vm fault on data at address 0"), std::string::npos);
    EXPECT_NE(r.outcome.reason.find("at address 0x401000"), std::string::npos);
    EXPECT_EQ(r.outcome.reason.find("0x4011f0"), std::string::npos);  // the stack dump is not the reason
    EXPECT_LT(r.elapsed.count(), 4.0);
}

TEST(Run, FaultReportEndsAfterGraceWhenNoStackLineFollows) {
    auto r = run_script("echo 'seL4 called fail at src/kernel/boot.c:10 in function f, saying \"no\"'; sleep 30");
    EXPECT_EQ(r.outcome.verdict, Verdict::fault);
    EXPECT_LT(r.elapsed.count(), 4.0);
}

// What the Microkit monitor prints for a PD's VM fault, then a success line that must not count.
const std::string monitor_report =
    "echo 'MON|INFO: Microkit Monitor started!';"
    "echo 'MON|ERROR: received message 0x00000006  badge: 0x0000000000000001  tcb cap: 0x000000000000000a';"
    "echo 'MON|ERROR: faulting PD: client'; echo 'Registers: '; echo 'pc : 0x0000000000200010';"
    "echo 'MON|ERROR: VMFault: ip=0x0000000000200010  fault_addr=0x0000000000000000  fsr=0x0000000093c08006  "
    "(data fault)';";

TEST(Run, FailsAtOnceOnMonitorErrorWithItsFirstLine) {
    auto r = run_script(monitor_report + "sleep 0.1; echo 'cpp-sel4: test passed'; sleep 30");
    EXPECT_EQ(r.outcome.verdict, Verdict::fault);
    EXPECT_EQ(r.outcome.reason,
              "monitor error: MON|ERROR: received message 0x00000006  badge: 0x0000000000000001  tcb cap: "
              "0x000000000000000a");
    EXPECT_LT(r.elapsed.count(), 4.0);
    // The rest of the report is still echoed (within the grace period).
    ASSERT_GE(r.lines.size(), 6u);
    EXPECT_EQ(r.lines[2], "MON|ERROR: faulting PD: client");
    EXPECT_EQ(r.lines[5].rfind("MON|ERROR: VMFault: ", 0), 0u);
}

TEST(Run, MonitorErrorsAllowedWhenAsked) {
    Options options;
    options.allow_monitor_errors = true;
    auto r = run_script(monitor_report + "echo 'cpp-sel4: test passed'; sleep 30", 5s, options);
    EXPECT_EQ(r.outcome.verdict, Verdict::passed);
    EXPECT_EQ(r.lines.back(), "cpp-sel4: test passed");
    // A kernel fault report still fails the run.
    auto fault = run_script(monitor_report + "echo 'cpp-sel4: aborted: x'; sleep 30", 5s, options);
    EXPECT_EQ(fault.outcome.verdict, Verdict::fault);
    EXPECT_EQ(fault.outcome.reason.rfind("cpp-sel4: aborted: x", 0), 0u);
}

TEST(Run, FailsWhenEmulatorExitsFirst) {
    auto r = run_script("echo booting; exit 3");
    EXPECT_EQ(r.outcome.verdict, Verdict::exited);
    EXPECT_NE(r.outcome.reason.find("status 3"), std::string::npos);
}

TEST(Run, TimesOutWithinLimitAndKillsEmulator) {
    Options options;
    options.pid_file = temp_path("hang.pid");
    auto r = run_script("echo booting; while :; do sleep 1; done", 300ms, options);
    EXPECT_EQ(r.outcome.verdict, Verdict::timed_out);
    EXPECT_NE(r.outcome.reason.find("0.3 s"), std::string::npos);
    EXPECT_LT(r.elapsed.count(), 3.0);
    pid_t pid = read_pid(options.pid_file);
    ASSERT_GT(pid, 0);
    EXPECT_TRUE(eventually_dead(pid));
    std::remove(options.pid_file.c_str());
}

TEST(Run, KillsEverythingTheEmulatorStarted) {
    auto child_file = temp_path("child.pid");
    auto r = run_script("sleep 100 & echo $! > " + child_file + "; trap '' TERM; echo 'cpp-sel4: test passed'; sleep 100");
    EXPECT_EQ(r.outcome.verdict, Verdict::passed);
    pid_t child = read_pid(child_file);
    ASSERT_GT(child, 0);
    EXPECT_TRUE(eventually_dead(child));
    std::remove(child_file.c_str());
}

TEST(Run, ReportsEmulatorThatCannotStart) {
    Options options;
    options.command = {"/nonexistent/qemu-system-x86_64"};
    auto outcome = run(options, [](std::string_view) {});
    EXPECT_EQ(outcome.verdict, Verdict::start_failed);
    EXPECT_NE(outcome.reason.find("/nonexistent/qemu-system-x86_64"), std::string::npos);
}

// --forward, --ready and --client.

namespace {

Run run_with(Options options, const std::string &script, std::vector<std::string> args = {},
             std::chrono::milliseconds timeout = 5s) {
    options.command = {"/bin/sh", "-c", script, "sh"};
    options.command.insert(options.command.end(), args.begin(), args.end());
    options.timeout = timeout;
    Run result{};
    auto start = std::chrono::steady_clock::now();
    result.outcome = run(options, [&](std::string_view line) { result.lines.emplace_back(line); });
    result.elapsed = std::chrono::steady_clock::now() - start;
    return result;
}

Options with_client(std::string ready, std::string client, std::vector<Forward> forwards = {}) {
    Options options;
    options.ready_prefix = std::move(ready);
    options.client_command = std::move(client);
    options.forwards = std::move(forwards);
    return options;
}

bool has_line(const Run &r, std::string_view line) {
    return std::ranges::find(r.lines, line) != r.lines.end();
}

// The line that starts with prefix, without it ("" if there is none).
std::string line_after(const Run &r, std::string_view prefix) {
    for (const auto &line : r.lines)
        if (line.starts_with(prefix)) return line.substr(prefix.size());
    return "";
}

// Whether a socket of the protocol can be bound to 127.0.0.1:port now.
bool bindable(Protocol protocol, std::uint16_t port) {
    int fd = ::socket(AF_INET, protocol == Protocol::tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    bool ok = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

std::string all_lines(const Run &r) {
    std::string text;
    for (const auto &line : r.lines) text += line + "\n";
    return text;
}

}  // namespace

TEST(Forwards, ParseForward) {
    auto tcp = parse_forward("tcp:1234");
    ASSERT_TRUE(tcp);
    EXPECT_EQ(*tcp, (Forward{Protocol::tcp, 1234}));
    EXPECT_EQ(*parse_forward("udp:53"), (Forward{Protocol::udp, 53}));
    EXPECT_EQ(*parse_forward("tcp:65535"), (Forward{Protocol::tcp, 65535}));
    for (const char *bad : {"", "tcp", "tcp:", "tcp:0", "tcp:65536", "tcp:-1", "tcp:12x", "sctp:1", "TCP:1", "1234",
                            "tcp:1234:5", " tcp:1"}) {
        auto forward = parse_forward(bad);
        ASSERT_FALSE(forward) << bad;
        EXPECT_NE(forward.error().find("'" + std::string(bad) + "'"), std::string::npos) << forward.error();
        EXPECT_EQ(forward.error().find('\n'), std::string::npos);
    }
}

TEST(Forwards, TokenSubstitution) {
    std::vector<HostForward> forwards{{{Protocol::tcp, 1234}, 40001}, {{Protocol::udp, 1235}, 40002}};
    EXPECT_EQ(substitute_hostfwd({"qemu", "-netdev", "user,id=net0@HOSTFWD@", "-m", "512"}, forwards),
              (std::vector<std::string>{"qemu", "-netdev",
                                        "user,id=net0,hostfwd=tcp:127.0.0.1:40001-:1234,hostfwd=udp:127.0.0.1:40002-:1235",
                                        "-m", "512"}));
    // Every token, also two in one argument and in several arguments.
    EXPECT_EQ(substitute_hostfwd({"a@HOSTFWD@b@HOSTFWD@", "@HOSTFWD@"}, {{{Protocol::tcp, 7}, 9}}),
              (std::vector<std::string>{"a,hostfwd=tcp:127.0.0.1:9-:7b,hostfwd=tcp:127.0.0.1:9-:7",
                                        ",hostfwd=tcp:127.0.0.1:9-:7"}));
    // Without forwards the token goes away.
    EXPECT_EQ(substitute_hostfwd({"qemu", "user,id=net0@HOSTFWD@"}, {}),
              (std::vector<std::string>{"qemu", "user,id=net0"}));
    EXPECT_EQ(substitute_hostfwd({"qemu", "-m", "512"}, forwards), (std::vector<std::string>{"qemu", "-m", "512"}));
}

TEST(Forwards, ClientEnvironment) {
    EXPECT_EQ(client_environment({}), (std::vector<std::string>{"SEL4_HOST=127.0.0.1"}));
    EXPECT_EQ(client_environment({{{Protocol::tcp, 1234}, 40001}, {{Protocol::udp, 1235}, 40002}}),
              (std::vector<std::string>{"SEL4_HOST=127.0.0.1", "SEL4_PORT_TCP_1234=40001", "SEL4_PORT_UDP_1235=40002"}));
}

TEST(Forwards, FreePortsDifferAndAreBindable) {
    std::vector<Forward> forwards;
    for (std::uint16_t port = 1; port <= 8; ++port) forwards.push_back({Protocol::tcp, port});
    for (std::uint16_t port = 1; port <= 8; ++port) forwards.push_back({Protocol::udp, port});
    auto chosen = choose_host_ports(forwards);
    ASSERT_TRUE(chosen) << chosen.error();
    ASSERT_EQ(chosen->size(), forwards.size());
    std::vector<std::uint16_t> ports;
    for (size_t i = 0; i < chosen->size(); ++i) {
        const HostForward &f = (*chosen)[i];
        EXPECT_EQ(f.forward, forwards[i]);
        EXPECT_GT(f.host_port, 0);
        EXPECT_TRUE(bindable(f.forward.protocol, f.host_port)) << f.host_port;
        ports.push_back(f.host_port);
    }
    std::ranges::sort(ports);
    EXPECT_EQ(std::ranges::adjacent_find(ports), ports.end());
    EXPECT_TRUE(choose_host_ports({})->empty());
}

TEST(Forwards, Arguments) {
    Parsed p = parse({"--forward", "tcp:1234", "--forward", "udp:1235", "--ready", "listening", "--client",
                      "net-client.py tcp-echo", "--", "qemu", "-netdev", "user,id=net0@HOSTFWD@"});
    ASSERT_TRUE(p.result.options) << p.err;
    EXPECT_EQ(p.result.options->forwards, (std::vector<Forward>{{Protocol::tcp, 1234}, {Protocol::udp, 1235}}));
    EXPECT_EQ(p.result.options->ready_prefix, "listening");
    EXPECT_EQ(p.result.options->client_command, "net-client.py tcp-echo");
    // The token stays in the command until the run chooses the ports.
    EXPECT_EQ(p.result.options->command.back(), "user,id=net0@HOSTFWD@");

    Parsed plain = parse({"--", "qemu", "user,id=net0@HOSTFWD@"});
    ASSERT_TRUE(plain.result.options) << plain.err;
    EXPECT_TRUE(plain.result.options->forwards.empty());
    EXPECT_EQ(plain.result.options->client_command, "");

    Parsed help = parse({"--help"});
    for (const char *option : {"--forward", "--ready", "--client", "@HOSTFWD@"})
        EXPECT_NE(help.out.find(option), std::string::npos) << option;
}

TEST(Forwards, UsageErrors) {
    const std::string hint = "\nRun 'sel4-qemu-run --help' for its usage.\n";
    EXPECT_EQ(usage_error({"--forward", "tcp:1234", "--", "qemu", "-netdev", "user,id=net0"}),
              "sel4-qemu-run: error: --forward needs the token @HOSTFWD@ in the emulator's arguments (e.g. -netdev "
              "user,id=net0@HOSTFWD@)" + hint);
    EXPECT_EQ(usage_error({"--forward", "tcp:0", "--", "q@HOSTFWD@"}),
              "sel4-qemu-run: error: --forward: not a forward of the form tcp:PORT or udp:PORT (the guest port is 1 "
              "to 65535): 'tcp:0'" + hint);
    EXPECT_EQ(usage_error({"--forward", "icmp:1", "--", "q@HOSTFWD@"}),
              "sel4-qemu-run: error: --forward: not a forward of the form tcp:PORT or udp:PORT (the protocol is tcp "
              "or udp): 'icmp:1'" + hint);
    EXPECT_EQ(usage_error({"--forward", "tcp:1", "--forward", "tcp:1", "--", "q@HOSTFWD@"}),
              "sel4-qemu-run: error: --forward tcp:1 given twice" + hint);
    EXPECT_EQ(usage_error({"--forward", "tcp:1", "tcp:2", "--", "q@HOSTFWD@"}),
              "sel4-qemu-run: error: The following argument was not expected: tcp:2" + hint);
    EXPECT_EQ(usage_error({"--ready", "x", "--", "q"}), "sel4-qemu-run: error: --ready needs --client" + hint);
    EXPECT_EQ(usage_error({"--client", "x", "--", "q"}), "sel4-qemu-run: error: --client needs --ready" + hint);
    EXPECT_NE(usage_error({"--ready", "", "--client", "x", "--", "q"}).find("--ready: must not be empty"),
              std::string::npos);
    EXPECT_NE(usage_error({"--ready", "x", "--client", "", "--", "q"}).find("--client: must not be empty"),
              std::string::npos);
    EXPECT_NE(usage_error({"--forward"}).find("--forward"), std::string::npos);
}

TEST(Forwards, EmulatorGetsTheForwardsAndClientThePorts) {
    auto options = with_client("ready", "echo \"$SEL4_HOST $SEL4_PORT_TCP_1234 $SEL4_PORT_UDP_1235\"",
                               {{Protocol::tcp, 1234}, {Protocol::udp, 1235}});
    auto r = run_with(options, "echo \"arg: $1\"; echo ready; read l; echo \"client said: $l\"; "
                               "echo 'cpp-sel4: test passed'; sleep 30",
                      {"user,id=net0@HOSTFWD@"});
    ASSERT_EQ(r.outcome.verdict, Verdict::passed) << r.outcome.reason << "\n" << all_lines(r);
    std::string arg = line_after(r, "arg: ");
    std::string said = line_after(r, "client said: ");
    unsigned tcp = 0, udp = 0;
    ASSERT_EQ(std::sscanf(said.c_str(), "127.0.0.1 %u %u", &tcp, &udp), 2) << said;
    EXPECT_NE(tcp, udp);
    EXPECT_EQ(arg, "user,id=net0,hostfwd=tcp:127.0.0.1:" + std::to_string(tcp) +
                       "-:1234,hostfwd=udp:127.0.0.1:" + std::to_string(udp) + "-:1235");
    EXPECT_TRUE(has_line(r, "sel4-qemu-run: forwarding tcp 127.0.0.1:" + std::to_string(tcp) +
                                " to the guest's port 1234"));
}

TEST(Forwards, TokenWithoutForwardsIsRemoved) {
    auto r = run_with({}, "echo \"arg: $1\"; echo 'cpp-sel4: test passed'; sleep 30", {"user,id=net0@HOSTFWD@"});
    EXPECT_EQ(r.outcome.verdict, Verdict::passed);
    EXPECT_EQ(line_after(r, "arg: "), "user,id=net0");
}

TEST(Forwards, RetriedWithOtherPortsWhenForwardingFails) {
    auto count_file = temp_path("forward-count");
    std::remove(count_file.c_str());
    // Fails like QEMU twice, then passes.
    const std::string script = "echo x >> " + count_file + "; n=$(wc -l < " + count_file + "); echo \"arg: $1\";"
                               "if [ $n -lt 3 ]; then echo \"qemu: -netdev $1: Could not set up host forwarding rule "
                               "'tcp:127.0.0.1:1-:1234'\" >&2; exit 1; fi; echo 'cpp-sel4: test passed'; sleep 30";
    Options options;
    options.forwards = {{Protocol::tcp, 1234}};
    auto r = run_with(options, script, {"user@HOSTFWD@"});
    EXPECT_EQ(r.outcome.verdict, Verdict::passed) << r.outcome.reason;
    EXPECT_EQ(std::ranges::count_if(r.lines, [](const std::string &l) { return l.starts_with("arg: user,hostfwd="); }), 3);
    EXPECT_EQ(std::ranges::count(r.lines, std::string("sel4-qemu-run: the emulator could not set up a host forward (a "
                                                      "port taken meanwhile?); trying again with other ports")),
              2);

    // At most three attempts.
    std::remove(count_file.c_str());
    auto failing = run_with(options, "echo x >> " + count_file + "; echo 'Could not set up host forwarding rule'; exit 1",
                            {"user@HOSTFWD@"});
    EXPECT_EQ(failing.outcome.verdict, Verdict::exited);
    EXPECT_EQ(failing.outcome.reason, "emulator exited with status 1 before the success line (it could not set up "
                                      "the host forwards in 3 attempts)");
    std::ifstream counted(count_file);
    EXPECT_EQ(std::count(std::istreambuf_iterator<char>(counted), {}, '\n'), 3);
    std::remove(count_file.c_str());

    // Not retried without forwards, nor for another early exit.
    Options no_forwards;
    auto once = run_with(no_forwards, "echo 'Could not set up host forwarding rule'; exit 1");
    EXPECT_EQ(once.outcome.reason, "emulator exited with status 1 before the success line");
    auto other = run_with(options, "echo x >> " + count_file + "; echo 'something else'; exit 1", {"user@HOSTFWD@"});
    EXPECT_EQ(other.outcome.verdict, Verdict::exited);
    std::ifstream counted_once(count_file);
    EXPECT_EQ(std::count(std::istreambuf_iterator<char>(counted_once), {}, '\n'), 1);
    std::remove(count_file.c_str());
}

TEST(Client, StdoutReachesTheEmulatorsStdinAndStderrIsShown) {
    auto options = with_client("listening on", "echo 'client starting' >&2; printf 'abc\\nxyz\\n'; echo done >&2");
    auto r = run_with(options, "echo 'booting'; echo 'listening on 1234'; read a; read b; echo \"serial got $a $b\";"
                               "[ \"$a$b\" = abcxyz ] && echo 'cpp-sel4: test passed'; sleep 30");
    ASSERT_EQ(r.outcome.verdict, Verdict::passed) << r.outcome.reason << "\n" << all_lines(r);
    EXPECT_TRUE(has_line(r, "serial got abc xyz"));
    EXPECT_TRUE(has_line(r, "client| client starting"));
    EXPECT_TRUE(has_line(r, "client| done"));
    EXPECT_TRUE(has_line(r, "sel4-qemu-run: the ready line came; starting the client: echo 'client starting' >&2; "
                            "printf 'abc\\nxyz\\n'; echo done >&2"));
    EXPECT_LT(r.elapsed.count(), 4.0);
}

TEST(Client, EmulatorInputIsDevNullWithoutClient) {
    auto r = run_with({}, "if read l; then echo \"read: $l\"; else echo 'input ended'; fi; echo 'cpp-sel4: test passed'; "
                          "sleep 30");
    EXPECT_EQ(r.outcome.verdict, Verdict::passed);
    EXPECT_TRUE(has_line(r, "input ended"));
}

TEST(Client, ReadyLineIsTrimmedAndMatchedAsPrefix) {
    auto options = with_client("server: listening", "echo go");
    auto r = run_with(options, "printf '\\rserver: listening on 1234\\r\\n'; read l; [ \"$l\" = go ] && "
                               "echo 'cpp-sel4: test passed'; sleep 30");
    EXPECT_EQ(r.outcome.verdict, Verdict::passed) << r.outcome.reason;
}

TEST(Client, PassesOnlyAfterTheClientExitsZero) {
    // The success line comes first; the client ends 0.5 s later.
    auto r = run_with(with_client("ready", "sleep 0.5; echo finished >&2"),
                      "echo ready; echo 'cpp-sel4: test passed'; sleep 30");
    EXPECT_EQ(r.outcome.verdict, Verdict::passed) << r.outcome.reason;
    EXPECT_EQ(r.outcome.reason, "cpp-sel4: test passed");
    EXPECT_GE(r.elapsed.count(), 0.5);
    EXPECT_LT(r.elapsed.count(), 4.0);
    EXPECT_TRUE(has_line(r, "client| finished"));
    // The client ends first; the success line comes later.
    auto later = run_with(with_client("ready", "true"), "echo ready; sleep 0.5; echo 'cpp-sel4: test passed'; sleep 30");
    EXPECT_EQ(later.outcome.verdict, Verdict::passed) << later.outcome.reason;
    // The emulator ends after its success line; the client still decides.
    auto ended = run_with(with_client("ready", "sleep 0.3"), "echo ready; echo 'cpp-sel4: test passed'");
    EXPECT_EQ(ended.outcome.verdict, Verdict::passed) << ended.outcome.reason;
}

TEST(Client, ClientFailureFailsTheTest) {
    auto early = run_with(with_client("ready", "echo 'tcp-echo: mismatch at byte 7' >&2; exit 1"),
                          "echo ready; sleep 30");
    EXPECT_EQ(early.outcome.verdict, Verdict::client_failed);
    EXPECT_EQ(early.outcome.reason, "client exited with status 1");
    EXPECT_TRUE(has_line(early, "client| tcp-echo: mismatch at byte 7"));
    EXPECT_LT(early.elapsed.count(), 4.0);

    auto after = run_with(with_client("ready", "sleep 0.2; exit 3"), "echo ready; echo 'cpp-sel4: test passed'; sleep 30");
    EXPECT_EQ(after.outcome.verdict, Verdict::client_failed);
    EXPECT_EQ(after.outcome.reason, "client exited with status 3 after the success line");

    auto killed = run_with(with_client("ready", "kill -KILL $$"), "echo ready; sleep 30");
    EXPECT_EQ(killed.outcome.verdict, Verdict::client_failed);
    EXPECT_EQ(killed.outcome.reason, "client was killed by signal Killed");

    EXPECT_STREQ(verdict_name(Verdict::client_failed), "client failed");
}

TEST(Client, ClientThatNeverStarts) {
    auto r = run_with(with_client("listening", "true"), "echo booting; sleep 30", {}, 300ms);
    EXPECT_EQ(r.outcome.verdict, Verdict::timed_out);
    EXPECT_EQ(r.outcome.reason, "no success line within 0.3 s (no ready line 'listening' either: the client did not run)");
    // A success line before the ready line: the client did not check anything.
    auto early = run_with(with_client("listening", "true"), "echo 'cpp-sel4: test passed'; echo listening; sleep 30");
    EXPECT_EQ(early.outcome.verdict, Verdict::client_failed);
    EXPECT_EQ(early.outcome.reason, "the success line came before the ready line 'listening': the client did not run");
}

TEST(Client, KilledWithItsGroupOnTimeout) {
    auto client_file = temp_path("client.pid");
    auto child_file = temp_path("client-child.pid");
    auto options = with_client("ready", "echo $$ > " + client_file + "; sleep 100 & echo $! > " + child_file +
                                            "; trap '' TERM; sleep 100");
    auto r = run_with(options, "echo ready; sleep 30", {}, 500ms);
    EXPECT_EQ(r.outcome.verdict, Verdict::timed_out);
    EXPECT_EQ(r.outcome.reason, "no success line within 0.5 s (the client was still running)");
    pid_t client = read_pid(client_file), child = read_pid(child_file);
    ASSERT_GT(client, 0);
    ASSERT_GT(child, 0);
    EXPECT_TRUE(eventually_dead(client));
    EXPECT_TRUE(eventually_dead(child));
    std::remove(client_file.c_str());
    std::remove(child_file.c_str());

    // After the success line as well.
    auto waiting = run_with(with_client("ready", "sleep 100"), "echo ready; echo 'cpp-sel4: test passed'; sleep 30", {},
                            500ms);
    EXPECT_EQ(waiting.outcome.verdict, Verdict::timed_out);
    EXPECT_EQ(waiting.outcome.reason, "the success line came but the client did not end within 0.5 s");
}

TEST(Client, KilledWithItsGroupAtTheEnd) {
    // A client that leaves a process behind and exits 0: nothing of it survives the run.
    auto child_file = temp_path("left-behind.pid");
    auto r = run_with(with_client("ready", "sleep 100 > /dev/null 2>&1 & echo $! > " + child_file),
                      "echo ready; sleep 0.3; echo 'cpp-sel4: test passed'; sleep 30");
    EXPECT_EQ(r.outcome.verdict, Verdict::passed) << r.outcome.reason;
    pid_t child = read_pid(child_file);
    ASSERT_GT(child, 0);
    EXPECT_TRUE(eventually_dead(child));
    std::remove(child_file.c_str());
    // The emulator fails first: the client goes too.
    auto client_file = temp_path("client2.pid");
    auto failed = run_with(with_client("ready", "echo $$ > " + client_file + "; sleep 100"),
                           "echo ready; sleep 0.3; echo 'cpp-sel4: test failed: x'; sleep 30");
    EXPECT_EQ(failed.outcome.verdict, Verdict::program_failed);
    pid_t client = read_pid(client_file);
    ASSERT_GT(client, 0);
    EXPECT_TRUE(eventually_dead(client));
    std::remove(client_file.c_str());
}

TEST(Client, KilledWhenTheRunnerIsSignalled) {
    auto client_file = temp_path("signalled-client.pid");
    auto options = with_client("ready", "echo $$ > " + client_file + "; sleep 100");
    // The fake emulator signals the runner (its parent) once the client runs.
    auto r = run_with(options, "echo ready; while [ ! -s " + client_file + " ]; do sleep 0.05; done; kill -TERM $PPID;"
                               "sleep 30");
    EXPECT_EQ(r.outcome.verdict, Verdict::start_failed);
    EXPECT_EQ(r.outcome.reason, "runner interrupted by Terminated");
    pid_t client = read_pid(client_file);
    ASSERT_GT(client, 0);
    EXPECT_TRUE(eventually_dead(client));
    std::remove(client_file.c_str());
}
