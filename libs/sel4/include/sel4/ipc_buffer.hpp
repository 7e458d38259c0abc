/// @file
/// The IPC buffer (libsel4's seL4_IPCBuffer) and the calling thread's implicit one.
///
/// Every invocation and IPC syscall works on an explicit IpcBuffer&; the capability types
/// use the implicit buffer unless bound to another with `cap.with(buffer)`. The implicit
/// buffer is a thread-local when the program has TLS (`CPP_SEL4_IPC_BUFFER_TLS=1`, set by
/// the runtime), and a global otherwise.
#pragma once

#include <sel4/gen/constants.hpp>

#include <cstdint>

namespace sel4 {

/// A machine word (seL4_Word), the unit of every message register and syscall argument.
using Word = std::uintptr_t;
/// A capability pointer (seL4_CPtr): the address of a slot in the caller's CSpace.
using CPtr = Word;

/// A thread's IPC buffer (seL4_IPCBuffer): the page-aligned area that holds the message
/// registers and the capability transfer fields.
///
/// The kernel knows it from the thread's TCB (TCB_Configure or TCB_SetIPCBuffer; the root
/// task's is BootInfo::ipc_buffer()). The first four message registers travel in machine
/// registers; the syscall wrappers copy them between `msg[0..3]` and those registers.
struct alignas(128 * sizeof(Word)) IpcBuffer {
    Word tag;                                  ///< Room for a message info; the syscalls pass it in a register.
    Word msg[gen::MsgMaxLength];               ///< The message registers.
    Word user_data;                            ///< A word for the thread's own use (libsel4's seL4_GetUserData).
    Word caps_or_badges[gen::MsgMaxExtraCaps]; ///< The CPtrs of the capabilities sent; on receipt, the badges of those unwrapped.
    CPtr receive_cnode;                        ///< The CNode of the slot a received capability goes to (a CPtr).
    CPtr receive_index;                        ///< The index of that slot in receive_cnode.
    Word receive_depth;                        ///< The number of bits of receive_index to resolve.
};
static_assert(sizeof(IpcBuffer) == 128 * sizeof(Word), "seL4_IPCBuffer is 128 words");

namespace detail {
#if defined(CPP_SEL4_IPC_BUFFER_TLS) && CPP_SEL4_IPC_BUFFER_TLS
inline thread_local IpcBuffer *implicit_ipc_buffer = nullptr;
#else
inline IpcBuffer *implicit_ipc_buffer = nullptr;
#endif
} // namespace detail

/// The calling thread's implicit IPC buffer.
///
/// @pre set_ipc_buffer() was called on this thread. The root-task runtime does it for the
///      initial thread and, with TLS, for every std::thread. Without TLS the implicit buffer
///      is one global, which only one thread may use.
inline IpcBuffer &ipc_buffer() noexcept { return *detail::implicit_ipc_buffer; }
/// Makes `buffer` the calling thread's implicit IPC buffer. It must be the buffer the kernel
/// knows for this thread, or the implicit invocations read the wrong replies.
inline void set_ipc_buffer(IpcBuffer &buffer) noexcept { detail::implicit_ipc_buffer = &buffer; }

} // namespace sel4
