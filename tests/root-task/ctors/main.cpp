// root-task.ctors: static constructors run before the entry, in declaration order within
// a translation unit; guarded local statics are initialised once, on first use; static
// destructors are registered with __cxa_atexit.
#include "../check.hpp"

#include <sel4/runtime/ctors.hpp>
#include <sel4/runtime/root_task.hpp>

namespace {

char order[8];
int next = 0;

struct Recorder {
    explicit Recorder(char tag) { order[next++] = tag; }
    ~Recorder() { ++destructors_run; }
    static inline int destructors_run = 0;
};

Recorder first('a');
Recorder second('b');
Recorder third('c');

int initialisations = 0;
[[gnu::noinline]] int &guarded() {
    static int value = [] {
        ++initialisations;
        return 41;
    }();
    return value;
}

[[gnu::noinline]] Recorder &lazy() {
    static Recorder late('z');
    return late;
}

} // namespace

int root_main(const sel4::BootInfo &) {
    CHECK(next == 3 && order[0] == 'a' && order[1] == 'b' && order[2] == 'c');
    CHECK(initialisations == 0);
    CHECK(guarded() == 41);
    ++guarded();
    CHECK(guarded() == 42 && initialisations == 1);
    lazy();
    lazy();
    CHECK(next == 4 && order[3] == 'z');
    // The destructors of the four statics were registered; running them runs each once,
    // the lazily made one first.
    sel4_runtime::run_exit_handlers();
    CHECK(Recorder::destructors_run == 4);
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
