/// @file
/// What a capability carries besides its object and rights: the badge of an endpoint or
/// notification capability (Badge), the guard of a CNode capability (CNodeCapData), and
/// CapData, either of them, which CNode_Mint, CNode_Mutate and CNode_Rotate set.
///
///     cnode.mint(dest, src, sel4::CapRights::all(), sel4::Badge(5));                // an endpoint's badge
///     cnode.mutate(dest, src, sel4::CNodeCapData(guard, guard_bits));                 // a CNode's guard
///     if (notification.wait() == sel4::Badge(5)) ...                                 // what a wait returns
#pragma once

#include <sel4/gen/bitfields.hpp>

#include <cstdint>

namespace sel4 {

/// \brief The badge of an endpoint or notification capability, which a receiver learns.
///
/// A receive returns the badge of the capability the message was sent through; a
/// notification's wait returns the badges of its signals ORed together. Badge() is 0: an
/// unbadged capability, or nothing signalled.
class Badge {
public:
    /// \brief No badge (0).
    constexpr Badge() noexcept = default;
    /// \brief The badge `value`.
    constexpr explicit Badge(std::uintptr_t value) noexcept : value_(value) {}

    /// \brief The badge's bits.
    constexpr std::uintptr_t value() const noexcept { return value_; }

    /// \brief Both badges' bits, as a notification accumulates them.
    constexpr Badge operator|(Badge other) const noexcept { return Badge(value_ | other.value_); }
    /// \brief Whether the badges are the same.
    constexpr bool operator==(const Badge &) const noexcept = default;

private:
    std::uintptr_t value_ = 0;
};

/// \brief The guard of a CNode capability (seL4_CNode_CapData): `guardSize` bits that a
/// lookup through it must find at the front of the address, with the value `guard`.
///
/// CNodeCapData(guard, guard_size) makes one; CNodeCapData() (0) leaves a guard unchanged
/// where TCB_Configure and TCB_SetSpace take one for the new CSpace root.
using CNodeCapData = gen::seL4_CNode_CapData;

/// \brief What CNode_Mint, CNode_Mutate and CNode_Rotate set on the capability they make:
/// a Badge for an endpoint or notification, a CNodeCapData (guard) for a CNode.
class CapData {
public:
    /// \brief A badge, for an endpoint or notification capability.
    constexpr CapData(Badge badge) noexcept : word_(badge.value()) {}
    /// \brief A guard, for a CNode capability.
    constexpr CapData(CNodeCapData guard) noexcept : word_(guard.words[0]) {}

    /// \brief The word the kernel takes.
    constexpr std::uintptr_t word() const noexcept { return word_; }

private:
    std::uintptr_t word_;
};

} // namespace sel4
