// What the bindings tests share: checks that fail the test with the place and the error,
// an allocator of slots and objects over the root task's untypeds, and threads.
#pragma once

#include <sel4/sel4.hpp>
#include <test_support.hpp>

#include <cstdint>

namespace bindings_test {

using sel4::Word;

[[noreturn]] void check_failed(const char *what, const char *file, int line, const char *error = nullptr);

const char *error_name(sel4::Error error);

template <class T> T checked(sel4::Result<T> result, const char *what, const char *file, int line) {
    if (!result)
        check_failed(what, file, line, error_name(result.error()));
    if constexpr (!std::is_void_v<T>)
        return *result;
}

} // namespace bindings_test

// CHECK(condition) and OK(invocation returning sel4::Result<T>) -> T.
#define CHECK(condition) ((condition) ? (void)0 : ::bindings_test::check_failed(#condition, __FILE__, __LINE__))
#define OK(expression) ::bindings_test::checked((expression), #expression, __FILE__, __LINE__)
// EXPECT_ERROR(invocation, sel4::Error::X): the invocation must fail with that error.
#define EXPECT_ERROR(expression, expected)                                                                        \
    do {                                                                                                           \
        auto result_ = (expression);                                                                               \
        if (result_ || result_.error() != (expected))                                                              \
            ::bindings_test::check_failed(#expression " fails with " #expected, __FILE__, __LINE__,               \
                                          result_ ? "no error" : ::bindings_test::error_name(result_.error()));   \
    } while (0)

namespace bindings_test {

class Env {
public:
    explicit Env(const test_support::BootInfoHead *head);

    const sel4::BootInfo &boot_info() const { return boot_info_; }

    // The next empty slot of the root CNode.
    Word alloc_slot();

    // Retypes one object from the first untyped with room; returns the slot's CPtr.
    Word make(sel4::ObjectBlueprint blueprint);
    template <class Object> sel4::Cap<Object> make(sel4::ObjectBlueprint blueprint) {
        return sel4::Cap<Object>(make(blueprint));
    }

    // The frame capability of the page of the root task's image that holds `address`.
    sel4::cap::Page image_frame(const void *address) const;

private:
    sel4::BootInfo boot_info_;
    Word next_slot_;
};

// A second thread in the root task's address space, at priority 254 (the root task runs
// at 255), running entry(arg) with its own stack and IPC buffer. On MCS it gets its own
// scheduling context.
struct ThreadSetup {
    void (*entry)(Word arg);
    Word arg;
    void *stack_top;
    sel4::IpcBuffer *ipc_buffer;         // a page of the root task's image
    sel4::cap::Endpoint fault_endpoint{}; // or none
};
sel4::cap::Tcb start_thread(Env &env, const ThreadSetup &setup);

// The serving side of an endpoint, for a server thread with its own IPC buffer: it
// receives capabilities into `receive_slot` of the root CNode, and on MCS answers
// through the reply object `reply`.
class Server {
public:
    Server(sel4::IpcBuffer &ipc, Word endpoint, Word receive_slot, Word reply);
    sel4::Received recv() const;
    sel4::Received reply_recv(sel4::MessageInfo answer) const;

private:
    sel4::Bound<sel4::obj::Endpoint> endpoint_;
    [[maybe_unused]] sel4::cap::Reply reply_;
};

} // namespace bindings_test
