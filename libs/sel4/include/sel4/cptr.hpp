/// @file
/// Addresses of slots in a CSpace, as the CNode invocations take them: a RelativeCPtr (an
/// index and how many of its bits to resolve) from some CNode, and an AbsoluteCPtr (in
/// <sel4/cap.hpp>), a RelativeCPtr together with the CNode it starts from.
///
///     cnode.delete_(sel4::RelativeCPtr(slot));        // the slot `slot` of a single-level CSpace
///     cnode.copy({index, 8}, cnode.absolute(cap), sel4::CapRights::all());
#pragma once

#include <sel4/gen/constants.hpp>

#include <cstdint>

namespace sel4 {

template <class Object> class Cap;
class AbsoluteCPtr;

/// \brief A path to a slot from a CNode: resolve `depth` bits of `index`, from the most
/// significant of them, through the CNode and the CNodes it leads to (seL4's manual calls
/// this a capability address and its depth).
///
/// A capability's CPtr is the path of its slot from the caller's CSpace root with every bit
/// resolved; Cap<Object> converts to that path. A depth of 0 names the CNode it starts from.
class RelativeCPtr {
public:
    /// \brief The path of `depth` bits of `index`.
    constexpr RelativeCPtr(std::uintptr_t index, std::uint8_t depth) noexcept : index_(index), depth_(depth) {}
    /// \brief The path that resolves every bit of `cptr`, as the kernel resolves a CPtr.
    constexpr explicit RelativeCPtr(std::uintptr_t cptr) noexcept : RelativeCPtr(cptr, gen::WordBits) {}
    /// \brief The path of `cap`'s slot: every bit of its CPtr.
    template <class Object>
    constexpr RelativeCPtr(Cap<Object> cap) noexcept : RelativeCPtr(cap.cptr(), gen::WordBits) {}

    /// \brief The bits to resolve, in the low `depth` bits.
    constexpr std::uintptr_t index() const noexcept { return index_; }
    /// \brief How many bits of the index to resolve.
    constexpr std::uint8_t depth() const noexcept { return depth_; }

    /// \brief Whether both are the same path.
    constexpr bool operator==(const RelativeCPtr &) const noexcept = default;

private:
    std::uintptr_t index_;
    std::uint8_t depth_;
};

} // namespace sel4
