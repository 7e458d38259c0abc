// A stand-in for libs/sel4's <sel4/invocation_support.hpp>, so that a generated
// sel4/gen/invocations.hpp compiles and runs on the host: the same names, with
// sys::call_with_mrs recording what it is given and answering with a scripted reply.
// The typed methods' argument types are libs/sel4's own where they depend on nothing but the
// generated headers (CapRights, Badge, CapData, RelativeCPtr); ObjectBlueprint is a stand-in
// here, and Cap<Object> and AbsoluteCPtr are in test_cap.hpp, after the generated Methods.
#pragma once

#include "../../../../../libs/sel4/include/sel4/cap_data.hpp"
#include "../../../../../libs/sel4/include/sel4/cap_rights.hpp"
#include "../../../../../libs/sel4/include/sel4/cptr.hpp"

#include <sel4/gen/bitfields.hpp>
#include <sel4/gen/constants.hpp>

#include <array>
#include <cstdint>
#include <expected>

namespace sel4 {

using Word = std::uintptr_t;
using CPtr = Word;

using Error = gen::Error;

template <class T> using Result = std::expected<T, Error>;

constexpr Result<void> to_result(Error error) noexcept {
    if (error == Error::NoError)
        return {};
    return std::unexpected(error);
}

struct IpcBuffer {
    Word tag;
    Word msg[120];
    Word user_data;
    Word caps_or_badges[3];
    CPtr receive_cnode;
    CPtr receive_index;
    Word receive_depth;
};

namespace obj {
struct Unspecified;
struct Endpoint;
struct Notification;
struct Reply;
} // namespace obj

// What Untyped_Retype makes, as the typed retype takes it.
struct ObjectBlueprint {
    gen::ObjectType type;
    Word size_bits = 0;
};

namespace test {

// What the last call sent, and what the next one answers.
struct Call {
    CPtr dest = 0;
    Word info = 0;
    std::array<Word, 4> mrs{};
};
inline Call last_call;
inline Word reply_info = 0;
inline std::array<Word, 4> reply_mrs{};
inline IpcBuffer ipc_buffer{};

} // namespace test

namespace sys {

inline gen::seL4_MessageInfo call_with_mrs(CPtr dest, gen::seL4_MessageInfo info, Word &mr0, Word &mr1, Word &mr2,
                                           Word &mr3) noexcept {
    test::last_call = {dest, info.words[0], {mr0, mr1, mr2, mr3}};
    mr0 = test::reply_mrs[0];
    mr1 = test::reply_mrs[1];
    mr2 = test::reply_mrs[2];
    mr3 = test::reply_mrs[3];
    gen::seL4_MessageInfo reply;
    reply.words[0] = test::reply_info;
    return reply;
}

} // namespace sys

} // namespace sel4
