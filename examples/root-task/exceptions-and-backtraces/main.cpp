// Exceptions and backtraces in a root task. Throwing, catching, rethrowing, nesting and
// carrying exceptions between threads work as on any hosted C++ system: the runtime gives the
// unwinder the program's unwind tables, and the C++ library is the toolchain's own.
// sel4_runtime::print_backtrace() prints the caller's stack in a compact format; with
// runtime-symbols linked the device names each frame's function itself, and sel4-symbolize on
// the host adds files and lines. An exception nobody catches ends the program with its type,
// its what() and a backtrace from where it was thrown. (It prints with printf: iostreams would
// add some thousand functions to the symbol table the device carries.)
#include <sel4/runtime/abort.hpp>
#include <sel4/runtime/root_task.hpp>

#include <exception>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

namespace exceptions_example {

// An error of the program's own, carrying data.
class ConfigError : public std::runtime_error {
public:
    ConfigError(const std::string &key, int line)
        : std::runtime_error("bad value for '" + key + "'"), line_(line) {}
    int line() const noexcept { return line_; }

private:
    int line_;
};

// Says when it goes: destructors run while an exception unwinds the stack.
struct Resource {
    const char *name;
    ~Resource() { std::printf("released %s\n", name); }
};

int parse_setting(const std::string &key, int line) {
    Resource buffer{"the parse buffer"};
    if (key == "cores") {
        throw ConfigError(key, line);
    }
    return 1;
}

void load_configuration() {
    try {
        parse_setting("cores", 7);
    } catch (...) {
        // Keeps the cause and adds context.
        std::throw_with_nested(std::runtime_error("loading the configuration failed"));
    }
}

// Prints an exception and the ones nested in it.
void print_nested(const std::exception &error, int depth = 0) {
    std::printf("%*s%s\n", depth * 2, "", error.what());
    try {
        std::rethrow_if_nested(error);
    } catch (const ConfigError &cause) {
        std::printf("%*s%s at line %d\n", depth * 2 + 2, "", cause.what(), cause.line());
    } catch (const std::exception &cause) {
        print_nested(cause, depth + 1);
    }
}

[[gnu::noinline]] void show_where_we_are() {
    sel4_runtime::print_backtrace();
    asm volatile(""); // keeps the call from becoming a tail call, so this frame shows
}

[[gnu::noinline]] void nested_call() {
    show_where_we_are();
    asm volatile("");
}

int exceptions_main(const sel4::BootInfo &) {
    try {
        load_configuration();
    } catch (const std::exception &error) {
        print_nested(error);
    }

    // An exception thrown on one thread and handled on another.
    std::exception_ptr from_worker;
    std::thread worker([&] {
        try {
            throw std::out_of_range("index 42 on the worker thread");
        } catch (...) {
            from_worker = std::current_exception();
        }
    });
    worker.join();
    try {
        std::rethrow_exception(from_worker);
    } catch (const std::out_of_range &error) {
        std::printf("caught on the root thread: %s\n", error.what());
    }

    std::printf("a backtrace, with the device's own function names:\n");
    nested_call();
    return 0;
}

} // namespace exceptions_example

SEL4_ROOT_TASK_MAIN(exceptions_example::exceptions_main)
