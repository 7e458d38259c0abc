// The runner against fake emulators: small shell scripts that print what QEMU
// and seL4 would, or misbehave the way a broken test does.
#include "../runner.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <signal.h>
#include <string>
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
