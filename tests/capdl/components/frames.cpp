// capdl.frames: a writer and a checker share a frame; the checker checks its fills (its own
// ELF pages, embedded in the initializer; a 2 MiB frame copied at boot; one inflated at boot),
// then writes to a page the spec maps read-only, and a fault handler catches the VM fault.
#include "check.hpp"

#include <sel4/fault.hpp>

#include <array>

using namespace capdl_tests::frames;

namespace {

// Three pages of ELF data (.rodata) and one of initialised .data, from the ELF's file bytes.
constexpr std::uint32_t table_value(std::size_t n) { return static_cast<std::uint32_t>(n * 2654435761u + 12345u); }
constexpr std::array<std::uint32_t, 3 * 1024> make_table() {
    std::array<std::uint32_t, 3 * 1024> t{};
    for (std::size_t n = 0; n < t.size(); ++n) t[n] = table_value(n);
    return t;
}
constexpr std::array<std::uint32_t, 3 * 1024> table = make_table();
std::array<std::uint32_t, 1024> data_page = [] {
    std::array<std::uint32_t, 1024> d{};
    for (std::size_t n = 0; n < d.size(); ++n) d[n] = ~table_value(n);
    return d;
}();

template <class T> T read(const T *p) { return *static_cast<const volatile T *>(p); }
template <class T> T read(sel4::Word address) { return *reinterpret_cast<const volatile T *>(address); }

void check_fills() {
    for (std::size_t n = 0; n < table.size(); ++n) CHECK(read(&table[n]) == table_value(n));
    for (std::size_t n = 0; n < data_page.size(); ++n) CHECK(read(&data_page[n]) == ~table_value(n));
    for (sel4::Word n = 0; n < copied_bytes; ++n) CHECK(read<std::uint8_t>(copied + n) == copied_byte(n));
    for (sel4::Word n = copied_bytes; n < 2 * copied_bytes; ++n) CHECK(read<std::uint8_t>(copied + n) == 0);
    for (sel4::Word n = 0; n < deflated_bytes; ++n) CHECK(read<std::uint8_t>(deflated + n) == deflated_byte(n));
    sel4::debug::println("checker: ELF pages, the copied fill ({} bytes) and the inflated fill ({} bytes) are right",
                         copied_bytes, deflated_bytes);
}

int run(sel4::Word role, sel4::Word) {
    const sel4::cap::Notification notification(slot_notification);
    if (role == role_writer) {
        *reinterpret_cast<volatile sel4::Word *>(shared_writer) = shared_value;
        notification.signal();
        return 0;
    }
    if (role == role_checker) {
        check_fills();
        notification.wait();
        CHECK(read<sel4::Word>(shared_reader) == shared_value);
        sel4::debug::println("checker: the shared frame holds the writer's {:#x}", shared_value);
        CHECK(read<sel4::Word>(read_only) == 0);
        *reinterpret_cast<volatile sel4::Word *>(read_only + 8) = 1; // a write to a read-only mapping
        sel4_runtime::fatal("test check failed: ", "a write to a read-only mapping did not fault");
    }
    // The fault handler.
    const sel4::Received got = receive(sel4::cap::Endpoint(slot_fault_ep));
    CHECK(got.badge.value() == fault_badge);
    const sel4::fault::Fault fault = sel4::fault::decode(got.info, sel4::ipc_buffer());
    const auto *vm = std::get_if<sel4::fault::VmFault>(&fault);
    CHECK(vm != nullptr);
    CHECK(vm->addr == read_only + 8 && !vm->prefetch_fault);
    sel4::debug::println("fault handler: the checker's write to {:#x} faulted (fsr {:#x})", vm->addr, vm->fsr);
    return passed();
}

} // namespace

SEL4_COMPONENT_MAIN(run)
