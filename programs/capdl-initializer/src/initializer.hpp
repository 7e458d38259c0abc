// The CapDL initializer: builds the system a serialized spec (sel4/capdl/binary.hpp)
// describes from the root task's BootInfo, then starts its threads. No heap: the spec is read
// in place, and the only state is the untypeds' watermarks and a few counters.
#pragma once

#include <sel4/capdl/binary.hpp>
#include <sel4/sel4.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace capdl_initializer {

using sel4::Word;

// Stops the initializer with "capdl-initializer: <message>" (src/main.cpp).
[[noreturn]] void fail(std::string_view message) noexcept;

// The reader's failure function: a corrupted spec.
struct CorruptSpec {
    [[noreturn]] void operator()(std::string_view what, std::uint64_t index, std::uint64_t bound) const noexcept;
};
using SpecView = sel4::capdl::binary::SpecView<CorruptSpec>;

// Where the spec and the embedded frames are (from binary::Location).
struct Attached {
    const std::byte *spec;
    std::size_t spec_size;
    Word image_start;  // the initializer's first user-image frame's address
    Word frames_vaddr; // the embedded frames
    Word frames_count;
};

// What the initializer measured.
struct Statistics {
    unsigned log_level = 0; // the spec's: 3 (info) reports the result, 4 (debug) each step
    std::uint64_t system_calls = 0;
    std::uint64_t objects = 0;
    std::uint64_t threads = 0;
};

// Builds the system and starts its threads; returns to the caller, which suspends itself.
Statistics initialize(const sel4::BootInfo &boot_info, const Attached &attached) noexcept;

} // namespace capdl_initializer
