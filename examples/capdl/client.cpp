// The client PD: writes a request into the frame it shares with the server, calls the server
// on the endpoint with the request's length, and reads the answer from the same frame.
#include "system.hpp"

#include <sel4/runtime/component.hpp>

#include <cstring>
#include <string_view>

namespace {

int client(sel4::Word, sel4::Word) {
    char *const buffer = reinterpret_cast<char *>(capdl_example::shared);
    const sel4::cap::Endpoint server(capdl_example::slot_endpoint);
    for (const std::string_view request : {"ping 1", "ping 2", "how are you?"}) {
        std::memcpy(buffer, request.data(), request.size());
        sel4::ipc_buffer().msg[0] = request.size();
        const sel4::MessageInfo answer = server.call(sel4::MessageInfo(0, 0, 0, 1));
        const std::string_view text(buffer, sel4::ipc_buffer().msg[0]);
        sel4::debug::println("client: the server answers '{}' ({} word)", text, answer.length());
    }
    sel4::debug::println("client: done");
    return 0;
}

} // namespace

SEL4_COMPONENT_MAIN(client)
