// A program with known frames for the symbolizer's tests. It prints one
// backtrace in the cpp-sel4 format: the entry of capture() as a pc, then the
// return addresses of capture(), middle() and top(). The tests find the lines
// these must symbolize to by the "MARK:" comments.
#include <sel4/backtrace/format.hpp>

#include <cstdint>
#include <cstdio>

namespace sample {

std::uintptr_t return_addresses[3];

std::uintptr_t return_address(void *address) { return reinterpret_cast<std::uintptr_t>(address); }

[[gnu::noinline]] void capture() { return_addresses[0] = return_address(__builtin_return_address(0)); asm volatile("" ::: "memory"); }  // MARK:capture

[[gnu::always_inline]] inline void helper() {
    capture();  // MARK:helper-calls-capture
    asm volatile("" ::: "memory");
}

[[gnu::noinline]] void middle() {
    return_addresses[1] = return_address(__builtin_return_address(0));
    helper();  // MARK:middle-calls-helper
    asm volatile("" ::: "memory");
}

[[gnu::noinline]] void top() {
    return_addresses[2] = return_address(__builtin_return_address(0));
    middle();  // MARK:top-calls-middle
    asm volatile("" ::: "memory");
}

}  // namespace sample

int main() {
    sample::top();  // MARK:main-calls-top
    auto put = [](char c) { std::putchar(c); };
    sel4::backtrace::Writer trace(put, "symbolizer-sample");
    trace.frame(sel4::backtrace::FrameKind::pc, reinterpret_cast<std::uintptr_t>(&sample::capture));
    for (std::uintptr_t address : sample::return_addresses)
        trace.frame(sel4::backtrace::FrameKind::return_address, address);
    trace.end();
    return 0;
}
