#include <sel4/runtime/program.hpp>
#include <sel4/runtime/tls.hpp>

#include <sel4/runtime/arch/tls.hpp>

#include <cstring>

#ifndef CPP_SEL4_INITIAL_TLS_SIZE
#define CPP_SEL4_INITIAL_TLS_SIZE 4096
#endif

namespace sel4_runtime::tls {

namespace {
constexpr std::size_t initial_block_align = 64;
alignas(initial_block_align) std::byte initial_block[CPP_SEL4_INITIAL_TLS_SIZE];
} // namespace

Layout program_layout() noexcept {
    const Segment &tls = program_image().tls;
    return layout(arch::variant, arch::tcb_size, tls.present ? tls.memory_size : 0, tls.present ? tls.align : 1);
}

std::uintptr_t initialise(void *block) noexcept {
    const Layout shape = program_layout();
    const Segment &tls = program_image().tls;
    auto *start = static_cast<std::byte *>(block);
    std::memset(start, 0, shape.size);
    if (tls.present)
        std::memcpy(start + shape.data_offset, reinterpret_cast<const void *>(tls.vaddr), tls.file_size);
    const auto tp = reinterpret_cast<std::uintptr_t>(start + shape.tp_offset);
    if (arch::variant == Variant::Two)
        std::memcpy(start + shape.tp_offset, &tp, sizeof tp);
    return tp;
}

void set_thread_pointer(std::uintptr_t tp) noexcept { arch::set_thread_pointer(tp); }

bool initialise_initial_thread() noexcept {
    const Layout shape = program_layout();
    if (shape.size > sizeof initial_block || shape.align > initial_block_align)
        return false;
    set_thread_pointer(initialise(initial_block));
    return true;
}

} // namespace sel4_runtime::tls
