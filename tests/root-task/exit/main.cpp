// root-task.exit: std::exit from a nested call runs the calling thread's thread_local
// destructors, then atexit handlers and static destructors in the reverse order of their
// registration (one list, as C++ [support.start.term] requires), and the root task ends with
// its exit status. The last handler checks the order; expect-lines.sh checks that its line
// comes before the runtime's end line with the status.
#include "../check.hpp"

#include <sel4/runtime/root_task.hpp>

#include <cstdlib>
#include <string>

namespace {

std::string order; // what ran, in order
int exit_status = 0;

struct Static {
    char name;
    ~Static() { order += name; }
};

Static first{'A'}; // constructed before root_main: destroyed after every handler below

struct ThreadLocal {
    ~ThreadLocal() { order += 't'; }
};
thread_local ThreadLocal per_thread;

void handler_one() {
    order += '1';
    // Registered first, so it runs last of the handlers but before `first` is destroyed.
    sel4::debug::println("exit order: {}", order);
    CHECK(order == "t3S21");
    sel4::debug::println("exit handlers ran in order");
}
void handler_two() { order += '2'; }
void handler_three() { order += '3'; }

[[noreturn]] void deep(int depth) {
    if (depth == 0)
        std::exit(exit_status);
    deep(depth - 1);
}

} // namespace

int root_main(const sel4::BootInfo &) {
    CHECK(std::atexit(handler_one) == 0);
    CHECK(std::atexit(handler_two) == 0);
    static Static second{'S'}; // registered between two and three
    CHECK(std::atexit(handler_three) == 0);
    (void)&per_thread;
    CHECK(order.empty());
    exit_status = 3;
    deep(5);
}

SEL4_ROOT_TASK_MAIN(root_main)
