/// @file
/// The Microkit 2.3 protection-domain ABI as the Microkit tool builds a PD: the capability
/// slots of its CSpace, the badges its input endpoint or notification delivers, the fixed
/// address of its IPC buffer, and the symbols the tool patches into its ELF file.
///
/// The values are Microkit's (libmicrokit's `microkit.h` and `main.c`, the tool's
/// `builder.rs`); a system described by a Microkit System Description File gives every PD
/// exactly this layout.
#pragma once

#include <sel4/gen/constants.hpp>
#include <sel4/ipc_buffer.hpp>

#include <cstddef>

namespace sel4::microkit {

/// The most channels a PD has (ids 0..61): two badge bits are taken by PPCs and faults.
inline constexpr unsigned max_channels = 62;
/// The most children a PD has (ids 0..63), each a TCB capability at slot::base_tcb + id.
inline constexpr unsigned max_children = 64;
/// The bytes of `microkit_name`, the terminating NUL included.
inline constexpr std::size_t pd_name_length = 64;

/// The capability slots of a PD's CSpace (Microkit's CNode layout).
namespace slot {
inline constexpr CPtr input = 1;                     ///< The endpoint (or notification) the PD waits on.
inline constexpr CPtr reply = 4;                     ///< The reply object for protected calls (MCS).
inline constexpr CPtr monitor_endpoint = 5;          ///< Passive PDs only: the monitor's endpoint.
inline constexpr CPtr tcb = 6;                       ///< The PD's own TCB, in benchmark configurations only.
inline constexpr CPtr arm_smc = 7;                   ///< The SMC capability of a PD with `smc="true"`.
inline constexpr CPtr base_output_notification = 10; ///< + channel: the notification a channel signals.
inline constexpr CPtr base_endpoint = 74;            ///< + channel: the endpoint of a protected call.
inline constexpr CPtr base_irq = 138;                ///< + channel: the IRQ handler of an `<irq>` channel.
inline constexpr CPtr base_tcb = 202;                ///< + child id: a child PD's TCB.
inline constexpr CPtr base_vm_tcb = 266;             ///< + vCPU id: a virtual machine's TCB.
inline constexpr CPtr base_vcpu = 330;               ///< + vCPU id: a virtual machine's vCPU.
inline constexpr CPtr base_ioport = 394;             ///< + I/O port id (x86_64): an I/O port range.
} // namespace slot

/// How the badge of a received message says where it came from.
namespace badge {
inline constexpr unsigned endpoint_bit = 63; ///< Set: a protected call, its channel in the low bits.
inline constexpr unsigned fault_bit = 62;    ///< Set: a fault of a child (or vCPU), its id in the low bits.
inline constexpr Word channel_mask = 0x3f;   ///< The channel of a protected call.
inline constexpr Word child_mask = 0xff;     ///< The child of a fault.
} // namespace badge

/// The IPC buffer's address: the top page of the user address space, where the tool maps it
/// (a guard page below it, then the stack).
inline constexpr Word ipc_buffer_address = gen::UserVSpaceTop & ~((Word{1} << gen::PageBits) - 1);
static_assert(sizeof(IpcBuffer) <= (Word{1} << gen::PageBits), "the IPC buffer fits its page");

/// The PD's IPC buffer, at ipc_buffer_address. The runtime also makes it the implicit one
/// (sel4::ipc_buffer()), so the bindings' capability methods work as they are.
inline IpcBuffer &ipc_buffer() noexcept { return *reinterpret_cast<IpcBuffer *>(ipc_buffer_address); }

} // namespace sel4::microkit

/// The symbols the Microkit tool patches in the PD's ELF file, with libmicrokit's names and
/// types (defined by this runtime, in .data, so that the file has bytes to patch).
extern "C" {
/// The PD's name from the system description, NUL-terminated.
extern char microkit_name[sel4::microkit::pd_name_length];
/// Whether the PD is passive: it gives its scheduling context back once initialised.
extern bool microkit_passive;
/// Bit i: channel i is an IRQ of this PD.
extern sel4::Word microkit_irqs;
/// Bit i: channel i may be notified by this PD.
extern sel4::Word microkit_notifications;
/// Bit i: channel i may take protected calls from this PD.
extern sel4::Word microkit_pps;
/// Bit i: I/O port id i is this PD's (x86_64).
extern sel4::Word microkit_ioports;
}
