/// @file
/// The PD's program: one macro names the function that makes its handler, and its stack and
/// heap sizes.
///
/// ```cpp
/// Server make_server() { return Server(...); }
/// SEL4_MICROKIT_PD(make_server, {.stack_size = 0x10000, .heap_size = 0x100000})
/// ```
///
/// The tool starts the PD at its ELF entry (`_start`, arch/<arch>/pd_start.S) with the stack
/// pointer at the top of the stack it mapped and no arguments. The runtime then sets up the
/// implicit IPC buffer (the PD's, at ipc_buffer_address), thread-local storage (sel4-microkit-pd),
/// runs the static constructors, calls the maker (the PD's `init`) and enters the event loop
/// with the handler it returned (see run()).
///
/// An uncaught exception, std::terminate, abort() or a failed check prints
/// `cpp-sel4: aborted: <reason>` and a backtrace, then the PD faults on purpose (a capability
/// fault), which its parent's fault() or the Microkit monitor reports.
#pragma once

#include <sel4/microkit/abi.hpp>
#include <sel4/microkit/handler.hpp>

#include <sel4/ipc_buffer.hpp>

#include <cstddef>
#if __cpp_exceptions
#include <exception>
#endif
#if CPP_SEL4_MICROKIT_HEAP
#include <sel4/runtime/heap.hpp>
#include <span>
#endif

#ifndef CPP_SEL4_MICROKIT_HEAP_SIZE
#define CPP_SEL4_MICROKIT_HEAP_SIZE 0x100000
#endif

namespace sel4::microkit {

/// The PD's memory, as SEL4_MICROKIT_PD takes it.
struct PdConfig {
    /// Bytes of a stack in .bss that the PD switches to at its start; 0 keeps the stack the
    /// tool mapped (the system description's `stack_size`, 8 KiB unless it says otherwise).
    std::size_t stack_size = 0;
#if CPP_SEL4_MICROKIT_HEAP
    /// Bytes of the heap (in .bss) behind malloc and operator new; 0 for none.
    std::size_t heap_size = CPP_SEL4_MICROKIT_HEAP_SIZE;
#else
    /// sel4-microkit-pd-minimal has no heap: 0.
    std::size_t heap_size = 0;
#endif
};

namespace detail {

constexpr PdConfig config_of() noexcept { return {}; }
constexpr PdConfig config_of(PdConfig config) noexcept { return config; }

#if __cpp_exceptions
/// The terminate handler the runtime installs (src/terminate.cpp): reports the uncaught
/// exception's what() with a backtrace, then the PD faults.
[[noreturn]] void terminate_handler() noexcept;
#endif

/// The PD's program after the runtime's start: here, in the program's own code, so that the
/// implicit IPC buffer the program's code uses is the one set.
template <class Make> [[noreturn]] void run_pd(Make &&make) {
    set_ipc_buffer(ipc_buffer());
#if __cpp_exceptions
    std::set_terminate(terminate_handler);
#endif
    auto handler = make();
    run(handler);
}

} // namespace detail

} // namespace sel4::microkit

/// The top of the PD's own stack, or null to keep the one the tool set up (pd_start.S).
extern "C" char *const sel4_microkit_stack_top;

#if CPP_SEL4_MICROKIT_HEAP
#define SEL4_MICROKIT_PD_HEAP_(config)                                                                            \
    std::span<std::byte> sel4_runtime::heap_region() noexcept {                                                    \
        alignas(::sel4_runtime::Tlsf::alignment) static std::byte                                                  \
            sel4_microkit_pd_heap[(config).heap_size > 0 ? (config).heap_size : 1];                               \
        return {sel4_microkit_pd_heap, (config).heap_size};                                                       \
    }
#else
#define SEL4_MICROKIT_PD_HEAP_(config)                                                                            \
    static_assert((config).heap_size == 0, "sel4-microkit-pd-minimal has no heap: link sel4-microkit-pd for one");
#endif

/// Makes `make_handler`, a function (or other callable named without commas) that returns
/// the PD's handler, the PD's program; the optional second argument is a PdConfig, such as
/// `{.stack_size = 0x10000, .heap_size = 0x100000}`. Once, at namespace scope, in one source
/// file of the PD.
#define SEL4_MICROKIT_PD(make_handler, ...)                                                                       \
    static constexpr ::sel4::microkit::PdConfig sel4_microkit_pd_config =                                         \
        ::sel4::microkit::detail::config_of(__VA_ARGS__);                                                         \
    SEL4_MICROKIT_PD_HEAP_(sel4_microkit_pd_config)                                                               \
    alignas(16) static char                                                                                       \
        sel4_microkit_pd_stack[sel4_microkit_pd_config.stack_size > 0 ? (sel4_microkit_pd_config.stack_size + 15) / 16 * 16 : 16]; \
    extern "C" char *const sel4_microkit_stack_top =                                                              \
        sel4_microkit_pd_config.stack_size > 0 ? sel4_microkit_pd_stack + sizeof sel4_microkit_pd_stack : nullptr; \
    extern "C" [[noreturn]] void sel4_microkit_main() { ::sel4::microkit::detail::run_pd(make_handler); }
