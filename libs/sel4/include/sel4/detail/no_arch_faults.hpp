// For arches (and configurations) whose only fault types are the common ones.
#pragma once

#include <cstdint>
#include <optional>

#define CPP_SEL4_ARCH_FAULT_TYPES

namespace sel4::fault::arch {
template <class Fault> std::optional<Fault> decode(std::uintptr_t, const std::uintptr_t *) noexcept {
    return std::nullopt;
}
} // namespace sel4::fault::arch
