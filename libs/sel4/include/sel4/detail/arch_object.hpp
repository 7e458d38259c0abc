// What each arch says of its frames and paging structures (sel4/arch/object_blueprint.hpp
// lists them in `objects`), and the lookups over that list.
#pragma once

#include <sel4/gen/constants.hpp>

#include <cstdint>

namespace sel4::arch {

template <class Object> struct ObjectInfo {
    Object object;
    gen::ObjectType type;
    std::uintptr_t size_bits; // log2 of the object's size in bytes
    const char *name;
};

template <class Object, std::size_t N>
constexpr const ObjectInfo<Object> &find(const ObjectInfo<Object> (&objects)[N], Object object) noexcept {
    for (const auto &info : objects)
        if (info.object == object)
            return info;
    return objects[0];
}

// log2 of the size of an arch object type; 0 for a type that is not one.
template <class Object, std::size_t N>
constexpr std::uintptr_t size_bits_of(const ObjectInfo<Object> (&objects)[N], gen::ObjectType type) noexcept {
    for (const auto &info : objects)
        if (info.type == type)
            return info.size_bits;
    return 0;
}

} // namespace sel4::arch
