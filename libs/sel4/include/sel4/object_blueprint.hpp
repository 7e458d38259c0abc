// What Untyped::retype makes: an object type and, for objects of variable size, its
// size argument; with the size in bytes (as a power of two) each object takes.
#pragma once

#include <sel4/arch/object_blueprint.hpp>
#include <sel4/config.hpp>
#include <sel4/gen/constants.hpp>

#include <cstdint>

namespace sel4 {

struct ObjectBlueprint {
    gen::ObjectType type;
    std::uintptr_t size_bits = 0; // Untyped_Retype's size_bits argument (0 for fixed-size objects)

    static constexpr ObjectBlueprint untyped(std::uintptr_t size_bits) noexcept {
        return {gen::ObjectType::UntypedObject, size_bits};
    }
    static constexpr ObjectBlueprint tcb() noexcept { return {gen::ObjectType::TCBObject}; }
    static constexpr ObjectBlueprint endpoint() noexcept { return {gen::ObjectType::EndpointObject}; }
    static constexpr ObjectBlueprint notification() noexcept { return {gen::ObjectType::NotificationObject}; }
    // A CNode of 2^slot_bits slots.
    static constexpr ObjectBlueprint cnode(std::uintptr_t slot_bits) noexcept {
        return {gen::ObjectType::CapTableObject, slot_bits};
    }
#if CPP_SEL4_CONFIG_KERNEL_MCS
    static constexpr ObjectBlueprint reply() noexcept { return {gen::ObjectType::ReplyObject}; }
    static constexpr ObjectBlueprint sched_context(std::uintptr_t size_bits) noexcept {
        return {gen::ObjectType::SchedContextObject, size_bits};
    }
#endif
    // The arch's frames and paging structures (see sel4/arch/object_blueprint.hpp).
    static constexpr ObjectBlueprint arch(arch::Object object) noexcept {
        return {arch::find(arch::objects, object).type};
    }
    static constexpr ObjectBlueprint page() noexcept { return arch(arch::Object::Page); }

    // log2 of the memory each object takes from the untyped.
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
        default:
            return arch::size_bits_of(arch::objects, type);
        }
    }

    constexpr bool operator==(const ObjectBlueprint &) const noexcept = default;
};

} // namespace sel4
