/// @file
/// What the port needs from its world (platform_target.cpp on seL4, platform_host.cpp on the
/// host): log lines. The C hooks of arch/cc.h are defined beside these.
#pragma once

#include <cstdint>

namespace sel4::lwip::detail {

/// A refused descriptor: `why`, on `queue`, the `count`th so far.
void log_bad_descriptor(const char *queue, const char *why, std::uint64_t offset, std::uint16_t len,
                        std::uint64_t count) noexcept;

/// A frame lwIP sent that no buffer holds.
void log_oversize(std::uint32_t bytes, std::uint64_t count) noexcept;

} // namespace sel4::lwip::detail
