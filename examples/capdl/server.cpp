// The server PD: waits for calls on the endpoint, reads each request from the shared frame,
// writes its answer there (the request in capitals) and replies with the answer's length.
#include "system.hpp"

#include <sel4/runtime/component.hpp>

#include <string_view>

namespace {

[[noreturn]] int server(sel4::Word, sel4::Word) {
    char *const buffer = reinterpret_cast<char *>(capdl_example::shared);
    const sel4::cap::Endpoint endpoint(capdl_example::slot_endpoint);
#if CPP_SEL4_CONFIG_KERNEL_MCS
    // On MCS kernels a receive names the reply object that will answer the caller.
    const sel4::cap::Reply reply(capdl_example::slot_reply);
    sel4::Received call = endpoint.recv(reply);
#else
    sel4::Received call = endpoint.recv();
#endif
    for (;;) {
        const std::size_t length = sel4::ipc_buffer().msg[0];
        sel4::debug::println("server: call from badge {:#x}: '{}'", call.badge.value(), std::string_view(buffer, length));
        for (std::size_t n = 0; n < length; ++n)
            if (buffer[n] >= 'a' && buffer[n] <= 'z') buffer[n] = static_cast<char>(buffer[n] - 'a' + 'A');
        sel4::ipc_buffer().msg[0] = length;
#if CPP_SEL4_CONFIG_KERNEL_MCS
        call = endpoint.reply_recv(sel4::MessageInfo(0, 0, 0, 1), reply);
#else
        call = endpoint.reply_recv(sel4::MessageInfo(0, 0, 0, 1));
#endif
    }
}

} // namespace

SEL4_COMPONENT_MAIN(server)
