/// @file
/// The C++ Microkit API: a protection domain (PD) of a Microkit system in C++.
///
/// - sel4/microkit/abi.hpp: Microkit 2.3's slots, badges, IPC buffer and patched symbols;
/// - sel4/microkit/channel.hpp: Channel, ChannelSet, Child, DeferredAction and defer(),
///   the message registers, pd_name();
/// - sel4/microkit/handler.hpp: the Handler concept and defaults, the event loop run();
/// - sel4/microkit/memory.hpp: setvar symbols (SEL4_MICROKIT_VARIABLE) and memory regions
///   (MemoryRegion, SEL4_MICROKIT_MEMORY_REGION);
/// - sel4/microkit/pd.hpp: the program, SEL4_MICROKIT_PD(make_handler, {.stack_size, .heap_size}).
///
/// ```cpp
/// #include <sel4/microkit.hpp>
/// namespace mk = sel4::microkit;
///
/// struct Echo : mk::Handler {
///     sel4::MessageInfo protected_call(mk::Channel, sel4::MessageInfo info) {
///         mk::mr_set(0, mk::mr_get(0) + 1);
///         return mk::message_info(0, 1);
///     }
/// };
/// Echo make_echo() { return {}; }
/// SEL4_MICROKIT_PD(make_echo)
/// ```
///
/// Link the PD with sel4-microkit-pd (heap, exceptions, RTTI, the C and C++ libraries) or
/// sel4-microkit-pd-minimal (no heap, -fno-exceptions -fno-rtti).
#pragma once

#include <sel4/microkit/abi.hpp>
#include <sel4/microkit/channel.hpp>
#include <sel4/microkit/handler.hpp>
#include <sel4/microkit/memory.hpp>
#include <sel4/microkit/pd.hpp>
