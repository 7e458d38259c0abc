/// @file
/// Values the Microkit tool writes into the PD's ELF file (`setvar_vaddr`, `setvar_size`,
/// `<setvar region_paddr>`, `setvar_id`, ...) and typed views of memory regions.
///
/// ```cpp
/// SEL4_MICROKIT_VARIABLE(uart_base, sel4::Word)              // <map mr="uart" setvar_vaddr="uart_base"/>
/// SEL4_MICROKIT_MEMORY_REGION(ring, Descriptor, 0x1000)      // <map mr="ring" setvar_vaddr="ring"/>
///
///     auto *registers = reinterpret_cast<volatile std::uint32_t *>(uart_base.get());
///     ring[3].length = 64;                                  // bounds-checked
/// ```
///
/// Each symbol is extern "C" with the name the system description gives, exactly 8 bytes (the
/// tool refuses a setvar to any other size), and in .data, so that the file holds its bytes.
#pragma once

#include <sel4/ipc_buffer.hpp>

#include <cstddef>
#include <span>
#include <type_traits>

namespace sel4::microkit {

namespace detail {
[[noreturn, gnu::cold]] void region_index_out_of_range(std::size_t index, std::size_t size) noexcept;
} // namespace detail

/// A word the tool patches into the ELF file: read it with get() (or convert it to `T`).
/// Its value is only known after linking, so the compiler must not take the initial one
/// for granted: every read is a volatile load of the symbol.
template <class T> class Variable {
    static_assert(sizeof(T) == sizeof(Word), "Microkit patches setvar symbols of exactly 8 bytes");
    static_assert(std::is_trivially_copyable_v<T>, "a patched value is a plain value");

public:
    /// The value before the tool patches it.
    constexpr Variable(T initial = T{}) noexcept : value_(initial) {}
    Variable(const Variable &) = delete;
    Variable &operator=(const Variable &) = delete;

    /// The patched value.
    T get() const noexcept { return *static_cast<const volatile T *>(&value_); }
    /// The patched value.
    operator T() const noexcept { return get(); }

private:
    T value_;
};

/// A typed view of `size_bytes` bytes of memory at `vaddr` (a memory region the system
/// description maps into this PD): whole elements of `T`, indexing bounds-checked. `T` may
/// be volatile-qualified for device registers or memory another PD writes.
template <class T> class MemoryRegion {
public:
    /// The elements of `T` that fit `size_bytes` at `vaddr`.
    MemoryRegion(Word vaddr, std::size_t size_bytes) noexcept
        : data_(reinterpret_cast<T *>(vaddr)), size_(size_bytes / sizeof(T)) {}

    /// The first element.
    T *data() const noexcept { return data_; }
    /// The number of elements.
    constexpr std::size_t size() const noexcept { return size_; }
    /// The bytes the elements cover.
    constexpr std::size_t size_bytes() const noexcept { return size_ * sizeof(T); }
    /// The address of the region.
    Word vaddr() const noexcept { return reinterpret_cast<Word>(data_); }

    /// Element `index`; one past the end aborts the PD.
    T &operator[](std::size_t index) const noexcept {
        if (index >= size_)
            detail::region_index_out_of_range(index, size_);
        return data_[index];
    }
    /// The elements as a span.
    std::span<T> span() const noexcept { return {data_, size_}; }
    /// For range-for: the elements.
    T *begin() const noexcept { return data_; }
    T *end() const noexcept { return data_ + size_; }

    /// The part from element `offset`, of `count` elements; out of range aborts the PD.
    MemoryRegion subregion(std::size_t offset, std::size_t count) const noexcept {
        if (offset > size_ || count > size_ - offset)
            detail::region_index_out_of_range(offset + count, size_);
        return MemoryRegion(vaddr() + offset * sizeof(T), count * sizeof(T));
    }

private:
    T *data_;
    std::size_t size_;
};

/// The address of a memory region patched in by the tool (`setvar_vaddr`), with the region's
/// size fixed in the program: an 8-byte symbol that is also the region's typed view.
template <class T, std::size_t SizeBytes> class RegionSymbol {
public:
    constexpr RegionSymbol() noexcept = default;
    RegionSymbol(const RegionSymbol &) = delete;
    RegionSymbol &operator=(const RegionSymbol &) = delete;

    /// The address the tool patched in.
    Word vaddr() const noexcept { return address_.get(); }
    /// The region, as a view.
    MemoryRegion<T> region() const noexcept { return MemoryRegion<T>(vaddr(), SizeBytes); }
    /// The number of elements.
    static constexpr std::size_t size() noexcept { return SizeBytes / sizeof(T); }
    /// Element `index`, bounds-checked.
    T &operator[](std::size_t index) const noexcept { return region()[index]; }

private:
    Variable<Word> address_;
};

} // namespace sel4::microkit

/// Defines the patched symbol `name` (extern "C") of type sel4::microkit::Variable<type>,
/// `type` a word-sized value (sel4::Word, a pointer, ...), with an optional initial value.
#define SEL4_MICROKIT_VARIABLE(name, type, ...)                                                                   \
    extern "C" {                                                                                                   \
    [[gnu::used, gnu::retain, gnu::section(".data")]] constinit ::sel4::microkit::Variable<type> name{__VA_ARGS__}; \
    }                                                                                                              \
    static_assert(sizeof(name) == sizeof(::sel4::Word), "a setvar symbol is 8 bytes");

/// Defines the patched symbol `name` (extern "C"), the address of a memory region of
/// `size_bytes` bytes (its size in the system description) viewed as elements of `type`.
#define SEL4_MICROKIT_MEMORY_REGION(name, type, size_bytes)                                                       \
    extern "C" {                                                                                                   \
    [[gnu::used, gnu::retain, gnu::section(".data")]] constinit ::sel4::microkit::RegionSymbol<type, (size_bytes)> \
        name{};                                                                                                    \
    }                                                                                                              \
    static_assert(sizeof(name) == sizeof(::sel4::Word), "a setvar symbol is 8 bytes");
