/// @file
/// Static thread-local storage: the layout of a thread's TLS block for the arch's TLS
/// variant, its initialisation from the program's PT_TLS segment, and the thread pointer.
///
/// - Variant 1 (aarch64, riscv64): the thread pointer points at the start of the block; a
///   thread control block of `tcb_size` bytes (16 on aarch64, 0 on riscv64) comes first,
///   the TLS data after it (aligned).
/// - Variant 2 (x86_64): the TLS data ends at the thread pointer, and the word at the
///   thread pointer holds its own address.
#pragma once

#include <cstddef>
#include <cstdint>

/// Static thread-local storage: the blocks of the program's threads (sel4/runtime/tls.hpp).
namespace sel4_runtime::tls {

/// The ELF TLS variants: where the thread pointer points in a thread's block.
enum class Variant {
    One, ///< At the block's start, before the data (aarch64, riscv64).
    Two, ///< At the end of the data (x86_64).
};

/// Where the parts of a thread's TLS block go.
struct Layout {
    std::size_t size;        ///< Bytes of the whole block.
    std::size_t align;       ///< The block's alignment.
    std::size_t tp_offset;   ///< From the block's start to the thread pointer.
    std::size_t data_offset; ///< From the block's start to the TLS data.
};

/// `value` rounded up to a multiple of `align`, a power of two.
constexpr std::size_t align_up(std::size_t value, std::size_t align) noexcept {
    return (value + align - 1) & ~(align - 1);
}

/// The layout for TLS data of `memory_size` bytes aligned to `align` (a power of two), under
/// `variant` with a thread control block of `tcb_size` bytes.
constexpr Layout layout(Variant variant, std::size_t tcb_size, std::size_t memory_size, std::size_t align) noexcept {
    if (align < alignof(std::uintptr_t))
        align = alignof(std::uintptr_t);
    if (variant == Variant::One) {
        const std::size_t data = align_up(tcb_size, align);
        return {data + memory_size, align, 0, data};
    }
    const std::size_t tp = align_up(memory_size, align);
    return {tp + sizeof(std::uintptr_t), align, tp, 0};
}

/// This program's TLS block layout (from its PT_TLS; an empty block when it has none).
Layout program_layout() noexcept;

/// Initialises a block at `block` (`program_layout().size` bytes, aligned to `.align`): copies
/// the initialised data, zeroes the rest; returns the thread pointer for it.
std::uintptr_t initialise(void *block) noexcept;

/// Sets the calling thread's thread pointer to `tp` (through seL4 where the arch needs it).
void set_thread_pointer(std::uintptr_t tp) noexcept;

/// Sets up TLS for the initial thread in a static area; false if the program's TLS does
/// not fit there (`CPP_SEL4_INITIAL_TLS_SIZE`). The start code calls it, before the static
/// constructors.
bool initialise_initial_thread() noexcept;

} // namespace sel4_runtime::tls
