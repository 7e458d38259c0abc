// Checks at compile time that inflate_workspace_size holds what zlib's inflate allocates: its
// state (struct inflate_state, from zlib's internal headers) and the 32 KiB window, each
// aligned as the workspace's allocator aligns them. No code: a translation unit of its own so
// that zlib's internal macros (local, Assert, ZALLOC, ...) stay out of the wrapper.
#include <sel4/zlib/inflate.hpp>

extern "C" {
#include "zutil.h"
#include "inftrees.h"
#include "inflate.h"
}

namespace {

constexpr std::size_t aligned(std::size_t bytes) {
    return (bytes + sel4::zlib::inflate_workspace_alignment - 1) / sel4::zlib::inflate_workspace_alignment *
           sel4::zlib::inflate_workspace_alignment;
}

// The first block may start anywhere in the workspace: up to alignment - 1 bytes of padding.
constexpr std::size_t needed = sel4::zlib::inflate_workspace_alignment - 1 + aligned(sizeof(struct inflate_state)) +
                               (std::size_t{1} << MAX_WBITS);

static_assert(needed <= sel4::zlib::inflate_workspace_size,
              "inflate_workspace_size is too small for zlib's inflate state and window");

} // namespace
