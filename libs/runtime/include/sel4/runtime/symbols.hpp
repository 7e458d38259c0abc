/// @file
/// Symbolization on the device (library runtime-symbols): the program carries a table of its
/// functions in its `.cpp_sel4_symbols` section, which `sel4-embed-symbols` fills after linking
/// (CMake: `sel4_embed_symbols(<target>)`). With the library linked, backtraces name the
/// function of each frame. The section's size is `CPP_SEL4_SYMBOL_TABLE_SIZE` (CMake cache).
#pragma once

#include <cstdint>

namespace sel4_runtime {

/// A function found for an address.
struct Symbol {
    const char *name;      ///< Its demangled name, NUL-terminated, in the table.
    std::uintptr_t offset; ///< The address's offset from the function's start.
};

/// Finds the function whose [start, start + size) holds `pc`, into `out`. False when there is
/// none, or when the table was never filled in.
bool symbolize(std::uintptr_t pc, Symbol &out) noexcept;

} // namespace sel4_runtime
