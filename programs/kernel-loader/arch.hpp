// What each architecture provides to the generic loader (arch/<arch>/).
#pragma once

#include <kernel_loader/payload.hpp>

#include <cstdint>

// Where a secondary core starts (arch/<arch>/start.S): with the MMU off, its
// logical core number as the start call's argument; it switches to its stack
// and calls loader_secondary_main(core, cpu id).
extern "C" void loader_secondary_entry();

namespace kernel_loader::arch {

void put_char(char c);
// Checks that the CPU can enter a kernel in the header's translation mode;
// returns a reason when it cannot, else nullptr.
const char *check_mode(const Header &header);

// The id of the CPU the loader started on, as the payload's CPU table gives
// ids (the device tree's /cpus reg): MPIDR affinity fields or hart id.
std::uint64_t boot_cpu_id();
// Asks the firmware to start CPU cpu_id at loader_secondary_entry with core
// as its argument; returns nullptr once the request is accepted, else why not.
const char *start_cpu(const Header &header, std::uint64_t cpu_id, unsigned core);
// A free-running counter, and its ticks per second.
std::uint64_t ticks();
std::uint64_t ticks_per_second(const Header &header);

// Installs the boot page tables and enters the kernel as logical core `core`
// on CPU cpu_id, with the header's kernel arguments.
[[noreturn]] void enter_kernel(const Header &header, unsigned core, std::uint64_t cpu_id);

}  // namespace kernel_loader::arch
