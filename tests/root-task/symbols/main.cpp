// root-task.symbols: the program's own symbol table (runtime-symbols, filled in by
// sel4-embed-symbols after linking) names its functions on the device, and backtraces
// carry the names.
#include "../check.hpp"

#include <sel4/runtime/abort.hpp>
#include <sel4/runtime/root_task.hpp>
#include <sel4/runtime/symbols.hpp>

#include <cstdint>
#include <string_view>

namespace symbols_test {

[[gnu::noinline]] int first(int value) {
    asm volatile("" : "+r"(value));
    return value + 1;
}

[[gnu::noinline]] int second(int value, char) {
    asm volatile("" : "+r"(value));
    return value * 3;
}

// The return address of its call: an address inside the caller.
[[gnu::noinline]] std::uintptr_t return_address() {
    asm volatile("");
    return reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
}

[[gnu::noinline]] std::uintptr_t caller() {
    std::uintptr_t address = return_address();
    asm volatile("");
    return address;
}

[[gnu::noinline]] void traced() {
    sel4_runtime::print_backtrace();
    asm volatile(""); // keep the call above from becoming a tail call
}

void check_function(std::uintptr_t address, std::string_view name, std::uintptr_t offset) {
    sel4_runtime::Symbol symbol{nullptr, 0};
    CHECK(sel4_runtime::symbolize(address, symbol));
    sel4::debug::println("symbols: {:#x} is {}+{:#x}", address, symbol.name, symbol.offset);
    CHECK(std::string_view(symbol.name) == name);
    CHECK(symbol.offset == offset);
}

} // namespace symbols_test

int root_main(const sel4::BootInfo &) {
    using namespace symbols_test;
    check_function(reinterpret_cast<std::uintptr_t>(&first), "symbols_test::first(int)", 0);
    check_function(reinterpret_cast<std::uintptr_t>(&second), "symbols_test::second(int, char)", 0);
    const auto start = reinterpret_cast<std::uintptr_t>(&caller);
    const std::uintptr_t inside = caller();
    CHECK(inside > start);
    check_function(inside, "symbols_test::caller()", inside - start);
    CHECK(first(1) + second(1, 'x') == 5);
    sel4_runtime::Symbol symbol{nullptr, 0};
    CHECK(!sel4_runtime::symbolize(0, symbol));
    traced();
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
