// The IPC buffer (libsel4's seL4_IPCBuffer) and the calling thread's implicit one.
//
// Every invocation and IPC syscall works on an explicit IpcBuffer&; the capability types
// use the implicit buffer unless bound to another with cap.with(buffer). The implicit
// buffer is a thread-local when the program has TLS (CPP_SEL4_IPC_BUFFER_TLS=1, set by
// the runtime), and a global otherwise.
#pragma once

#include <sel4/gen/constants.hpp>

#include <cstdint>

namespace sel4 {

using Word = std::uintptr_t;
using CPtr = Word;

struct alignas(128 * sizeof(Word)) IpcBuffer {
    Word tag;
    Word msg[gen::MsgMaxLength];
    Word user_data;
    Word caps_or_badges[gen::MsgMaxExtraCaps];
    CPtr receive_cnode;
    CPtr receive_index;
    Word receive_depth;
};
static_assert(sizeof(IpcBuffer) == 128 * sizeof(Word), "seL4_IPCBuffer is 128 words");

namespace detail {
#if defined(CPP_SEL4_IPC_BUFFER_TLS) && CPP_SEL4_IPC_BUFFER_TLS
inline thread_local IpcBuffer *implicit_ipc_buffer = nullptr;
#else
inline IpcBuffer *implicit_ipc_buffer = nullptr;
#endif
} // namespace detail

// The calling thread's IPC buffer; set_ipc_buffer must have been called on this thread.
inline IpcBuffer &ipc_buffer() noexcept { return *detail::implicit_ipc_buffer; }
inline void set_ipc_buffer(IpcBuffer &buffer) noexcept { detail::implicit_ipc_buffer = &buffer; }

} // namespace sel4
