// The systems of the capdl.* tests: what the generator (generator/main.cpp, on the host) puts
// in each thread's CSpace and VSpace, and what the components (components/*.cpp, on the
// target) find there. Every thread starts with (IPC buffer, its TCB's slot, role, argument).
#pragma once

#include <cstdint>

namespace capdl_tests {

using Word = std::uint64_t;

inline constexpr Word slot_tcb = 1; // every thread's own TCB, so that it can stop itself

namespace threads { // two threads in separate CSpaces and VSpaces
inline constexpr Word slot_endpoint = 2, slot_notification = 3, slot_irq_handler = 4;
inline constexpr Word endpoint_badge = 0x11, notification_badge = 0x5, label = 7;
// An IRQ no device of the QEMU machines raises: its handler cap is the server's to use.
inline constexpr Word irq_aarch64 = 45, irq_riscv64 = 20, irq_x86_64 = 10;
inline constexpr Word role_client = 0, role_server = 1;
} // namespace threads

namespace frames { // embedded, copied and deflated fills; a shared frame; a read-only mapping
inline constexpr Word slot_notification = 2, slot_fault_ep = 3;
inline constexpr Word fault_badge = 0x77;
inline constexpr Word shared_writer = 0x3000'0000, shared_reader = 0x3100'0000; // the shared frame in each
inline constexpr Word read_only = 0x3200'0000;                                   // the checker's read-only page
inline constexpr Word copied = 0x4000'0000, deflated = 0x4020'0000;              // two 2 MiB frames
inline constexpr Word copied_bytes = 4096, deflated_bytes = 65536;               // their fills, from frames.bin
inline constexpr Word shared_value = 0x5eed'cafe;
inline constexpr Word role_writer = 0, role_checker = 1, role_fault_handler = 2;
// The fills' contents: random bytes (which deflate does not shrink: stored as they are) and a
// repeating text (stored deflated).
inline std::uint8_t copied_byte(Word n) {
    Word x = n * 0x9e37'79b9'7f4a'7c15ull + 0x1234'5678;
    x ^= x >> 29;
    x *= 0xbf58'476d'1ce4'e5b9ull;
    return static_cast<std::uint8_t>(x >> 32);
}
inline constexpr char deflated_text[] = "cpp-sel4 capdl: a deflated fill, inflated at boot. ";
inline std::uint8_t deflated_byte(Word n) { return static_cast<std::uint8_t>(deflated_text[n % (sizeof deflated_text - 1)]); }
} // namespace frames

namespace rights { // an endpoint cap without write, one without grant, one with both
inline constexpr Word slot_no_write = 2, slot_no_grant = 3, slot_full = 4, slot_notification = 5;
inline constexpr Word slot_server_endpoint = 2, slot_server_cnode = 3, slot_received = 10;
inline constexpr Word label_dropped = 1, label_without_grant = 2, label_with_grant = 3;
inline constexpr Word role_sender = 0, role_receiver = 1;
} // namespace rights

namespace untyped_covers { // a thread retypes from the untyped the spec gave it
inline constexpr Word slot_untyped = 2, slot_covered_endpoint = 3, slot_cnode = 4;
inline constexpr Word slot_new_notification = 10, slot_badged = 11, slot_new_untyped = 12;
inline constexpr unsigned untyped_bits = 16;
} // namespace untyped_covers

namespace mcs { // a 10% budget against an unlimited thread
inline constexpr Word counters = 0x3000'0000; // a frame both map: [0] the limited thread's running time, [1] the other's
inline constexpr Word period_us = 10'000, limited_budget_us = 1'000;
inline constexpr Word role_limited = 0, role_unlimited = 1;
} // namespace mcs

namespace smp { // a thread pinned to each core
inline constexpr Word flags = 0x3000'0000; // a frame all map: [core] set by the thread on that core
inline constexpr Word role_spinner = 0, role_reporter = 1, role_blocked = 2;
inline constexpr std::uint8_t spinner_prio = 200, reporter_prio = 100, blocked_prio = 50;
} // namespace smp

} // namespace capdl_tests
