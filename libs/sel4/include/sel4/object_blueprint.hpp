/// @file
/// ObjectBlueprint: what Untyped::retype makes, an object type and, for objects of variable
/// size, its size argument; with the memory (as a power of two) each object takes.
///
///     untyped.retype(sel4::ObjectBlueprint::endpoint(), sel4::init::cnode.absolute_self(), slot, 1);
///     untyped.retype(sel4::ObjectBlueprint::arch(sel4::arch::Object::LargePage), ...);
#pragma once

#include <sel4/arch/object_blueprint.hpp>
#include <sel4/config.hpp>
#include <sel4/gen/constants.hpp>

#include <cstdint>

namespace sel4 {

/// \brief A kind of object with its size: Untyped_Retype's type and size_bits arguments.
struct ObjectBlueprint {
    gen::ObjectType type;         ///< The object type.
    std::uintptr_t size_bits = 0; ///< Untyped_Retype's size_bits argument (0 for fixed-size objects).

    /// \brief An untyped of 2^size_bits bytes.
    static constexpr ObjectBlueprint untyped(std::uintptr_t size_bits) noexcept {
        return {gen::ObjectType::UntypedObject, size_bits};
    }
    /// \brief A thread control block.
    static constexpr ObjectBlueprint tcb() noexcept { return {gen::ObjectType::TCBObject}; }
    /// \brief An endpoint.
    static constexpr ObjectBlueprint endpoint() noexcept { return {gen::ObjectType::EndpointObject}; }
    /// \brief A notification.
    static constexpr ObjectBlueprint notification() noexcept { return {gen::ObjectType::NotificationObject}; }
    /// \brief A CNode of 2^slot_bits slots.
    static constexpr ObjectBlueprint cnode(std::uintptr_t slot_bits) noexcept {
        return {gen::ObjectType::CapTableObject, slot_bits};
    }
#if CPP_SEL4_CONFIG_KERNEL_MCS
    /// \brief A reply object.
    static constexpr ObjectBlueprint reply() noexcept { return {gen::ObjectType::ReplyObject}; }
    /// \brief A scheduling context of 2^size_bits bytes (at least gen::MinSchedContextBits).
    static constexpr ObjectBlueprint sched_context(std::uintptr_t size_bits) noexcept {
        return {gen::ObjectType::SchedContextObject, size_bits};
    }
#endif
    /// \brief One of the arch's frames and paging structures (<sel4/arch/object_blueprint.hpp>).
    static constexpr ObjectBlueprint arch(arch::Object object) noexcept {
        return {arch::find(arch::objects, object).type};
    }
    /// \brief A frame of the smallest size (gen::PageBits).
    static constexpr ObjectBlueprint page() noexcept { return arch(arch::Object::Page); }

    /// \brief log2 of the memory each object takes from the untyped.
    constexpr std::uintptr_t physical_size_bits() const noexcept {
        switch (type) {
        case gen::ObjectType::UntypedObject:
            return size_bits;
        case gen::ObjectType::TCBObject:
            return gen::TCBBits;
        case gen::ObjectType::EndpointObject:
            return gen::EndpointBits;
        case gen::ObjectType::NotificationObject:
            return gen::NotificationBits;
        case gen::ObjectType::CapTableObject:
            return size_bits + gen::SlotBits;
#if CPP_SEL4_CONFIG_KERNEL_MCS
        case gen::ObjectType::ReplyObject:
            return gen::ReplyBits;
        case gen::ObjectType::SchedContextObject:
            return size_bits;
#endif
#if CPP_SEL4_CONFIG_ARM_HYPERVISOR_SUPPORT
        case gen::ObjectType::ARM_VCPUObject: // the hypervisor's VCPU, no frame or paging structure
            return gen::VCPUBits;
#endif
        default:
            return arch::size_bits_of(arch::objects, type);
        }
    }

    /// \brief Whether both are the same type and size.
    constexpr bool operator==(const ObjectBlueprint &) const noexcept = default;
};

} // namespace sel4
