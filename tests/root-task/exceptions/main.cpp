// root-task.exceptions: thrown across frames and caught, rethrown, nested,
// std::exception_ptr, and unwinding that runs destructors.
#include "../check.hpp"

#include <sel4/runtime/root_task.hpp>

#include <exception>
#include <stdexcept>
#include <string>

namespace {

int destroyed = 0;
struct Guard {
    int id;
    ~Guard() { destroyed += id; }
};

struct Custom {
    int code;
};

[[gnu::noinline]] void deepest(int depth) {
    Guard guard{depth};
    if (depth == 0)
        throw std::runtime_error("from the deepest frame");
    deepest(depth - 1);
}

[[gnu::noinline]] void rethrower() {
    try {
        deepest(3);
    } catch (const std::runtime_error &) {
        throw; // the same exception goes on
    }
}

[[gnu::noinline]] void nested() {
    try {
        throw Custom{42};
    } catch (...) {
        std::throw_with_nested(std::logic_error("outer"));
    }
}

struct ThrowsInConstructor {
    Guard member{100};
    ThrowsInConstructor() { throw std::string("constructor"); }
};

} // namespace

int root_main(const sel4::BootInfo &) {
    // Across frames, with each frame's destructor run (3 + 2 + 1 + 0).
    destroyed = 0;
    try {
        deepest(3);
        CHECK(false);
    } catch (const std::exception &error) {
        CHECK(std::string(error.what()) == "from the deepest frame");
    }
    CHECK(destroyed == 6);

    // Rethrown.
    try {
        rethrower();
        CHECK(false);
    } catch (const std::runtime_error &error) {
        CHECK(std::string(error.what()) == "from the deepest frame");
    }

    // Nested.
    try {
        nested();
        CHECK(false);
    } catch (const std::logic_error &outer) {
        CHECK(std::string(outer.what()) == "outer");
        try {
            std::rethrow_if_nested(outer);
            CHECK(false);
        } catch (const Custom &inner) {
            CHECK(inner.code == 42);
        }
    }

    // exception_ptr: captured, carried, rethrown elsewhere.
    std::exception_ptr saved;
    try {
        throw std::out_of_range("saved");
    } catch (...) {
        saved = std::current_exception();
    }
    CHECK(saved != nullptr);
    try {
        std::rethrow_exception(saved);
    } catch (const std::out_of_range &error) {
        CHECK(std::string(error.what()) == "saved");
    }
    try {
        std::rethrow_exception(std::make_exception_ptr(Custom{7}));
    } catch (Custom c) {
        CHECK(c.code == 7);
    }

    // A constructor that throws destroys the members already made.
    destroyed = 0;
    try {
        ThrowsInConstructor object;
        CHECK(false);
    } catch (const std::string &what) {
        CHECK(what == "constructor");
    }
    CHECK(destroyed == 100);

    // Library exceptions.
    try {
        std::string("abc").at(10);
        CHECK(false);
    } catch (const std::out_of_range &) {
    }
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
