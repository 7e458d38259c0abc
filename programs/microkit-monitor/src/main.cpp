// The Microkit monitor: the fault handler of every protection domain (PD) without a parent in
// a Microkit system that sel4-microkit turns into a CapDL spec, as Microkit 2.3's monitor is.
// A component (sel4/runtime/component.hpp) that the CapDL initializer starts; one build serves
// every system of a world, the system's facts are written into its ELF afterwards.
//
// The contract with sel4-microkit (the builder relies on every line of it):
//
// - Arguments: arg0 is the IPC buffer's address (the component runtime takes it), arg1 = 3,
//   the CPtr of the monitor's own TCB. The thread runs at Microkit's monitor priority.
// - CSpace: one CNode of 2^9 slots, guarded to resolve 64-bit CPtrs (a slot's CPtr is its
//   index; system.hpp names them):
//     1         the monitor's endpoint, which it receives on. Every root PD's fault endpoint
//               is a copy of it badged pd_index+1, and so is a passive PD's MONITOR_EP.
//     2         the monitor's reply object (MCS).
//     3         its own TCB.
//     10+i      PD i's TCB.
//     74+i      VM i's TCB (the thread of its vCPU).
//     138+i     PD i's scheduling context (passive PDs).
//     202+i     PD i's notification (passive PDs).
// - Symbols that the tool writes (extern "C", in .data or .bss, exactly these types):
//     char pd_names[63][64], std::uint64_t pd_names_len,
//     char vm_names[63][64], std::uint64_t vm_names_len,
//     std::uint64_t pd_stack_bottom_addrs[63] (the lowest address of each PD's stack).
// - The loop: Recv on slot 1 with the reply object in slot 2; the badge is pd_index+1.
//   * Label NullFault (0) is a passive PD's request, sent once after its init: the monitor
//     unbinds PD i's scheduling context from its TCB (SchedContext_UnbindObject), binds it to
//     PD i's notification (SchedContext_Bind), and prints `MON|INFO: PD '<name>' is now passive!`.
//   * Any other label is PD i's fault: the monitor prints Microkit's report (fault_report.hpp),
//     every line starting `MON|ERROR: `, and does not reply, so the PD stays stopped.
//   * A badge that names no PD prints `MON|ERROR: ` lines too, and gets no reply either.
// - Output goes to the kernel's debug console. sel4-qemu-run fails a test on the first
//   `MON|ERROR:` line unless it is run with --allow-monitor-errors.
#include "fault_report.hpp"
#include "output.hpp"
#include "system.hpp"

#include <sel4/runtime/component.hpp>
#include <sel4/sel4.hpp>

#include <algorithm>
#include <cstdint>

static_assert(CPP_SEL4_CONFIG_KERNEL_MCS, "the monitor's contract is that of Microkit's MCS kernels");

// Written by sel4-microkit into the ELF's file contents: each in a .data section of its own
// (named .data.*, so with bytes in the file, zeros included, where a .bss one would have
// none), and read at run time, never folded.
extern "C" {
[[gnu::used, gnu::section(".data.pd_names")]] char pd_names[monitor::max_pds][monitor::name_length] = {};
[[gnu::used, gnu::section(".data.pd_names_len")]] std::uint64_t pd_names_len = 0;
[[gnu::used, gnu::section(".data.vm_names")]] char vm_names[monitor::max_vms][monitor::name_length] = {};
[[gnu::used, gnu::section(".data.vm_names_len")]] std::uint64_t vm_names_len = 0;
[[gnu::used, gnu::section(".data.pd_stack_bottom_addrs")]] std::uint64_t pd_stack_bottom_addrs[monitor::max_pds] = {};
}

namespace monitor {

namespace {

std::string_view name_in(const char (&name)[name_length]) noexcept {
    std::size_t length = 0;
    while (length < name_length && name[length] != '\0')
        ++length;
    return {name, length};
}

// Names each PD's and VM's thread in the kernel's own messages (its fault reports, the
// scheduler dump), as Microkit's monitor does on its debug kernels. An empty slot is passed
// over: the kernel halts the system on a DebugNameThread of anything but a TCB.
void name_threads() noexcept {
    char name[name_length + 1]; // NUL-terminated even when a name fills its 64 bytes
    auto name_thread = [&](sel4::CPtr tcb, std::string_view text) {
        if (sel4::sys::debug_cap_identify(tcb) == 0)
            return;
        std::copy(text.begin(), text.end(), name);
        name[text.size()] = '\0';
        sel4::sys::debug_name_thread(sel4::ipc_buffer(), tcb, name);
    };
    for (std::size_t i = 0; i < pd_count(); ++i)
        name_thread(slot::pd_tcb + i, pd_name(i));
    for (std::size_t i = 0; i < vm_count(); ++i)
        name_thread(slot::vm_tcb + i, vm_name(i));
}

// A passive PD finished its init: from now on it runs on the scheduling context that its
// notification lends it when signalled (and a PPC's caller lends it otherwise).
void make_passive(std::size_t pd) noexcept {
    const sel4::cap::SchedContext sched_context(slot::pd_sched_context + pd);
    if (const auto unbound = sched_context.unbind_object(sel4::cap::Tcb(slot::pd_tcb + pd)); !unbound) {
        error("could not unbind scheduling context from the TCB of PD '{}': {}", pd_name(pd),
              error_name(unbound.error()));
        return;
    }
    if (const auto bound = sched_context.bind(sel4::cap::Notification(slot::pd_notification + pd)); !bound) {
        error("could not bind scheduling context to notification object of PD '{}': {}", pd_name(pd),
              error_name(bound.error()));
        return;
    }
    info("PD '{}' is now passive!", pd_name(pd));
}

[[noreturn]] void serve() noexcept {
    const sel4::cap::Endpoint endpoint(slot::endpoint);
    const sel4::cap::Reply reply(slot::reply);
    for (;;) {
        const sel4::Received received = endpoint.recv(reply);
        const sel4::Word badge = received.badge.value();
        const std::size_t pd = pd_index_of(badge);
        if (badge == 0 || pd >= pd_count()) {
            error("received message {}  badge: {}", hex32(received.info.label()), hex64(badge));
            error("unknown/invalid badge (the system's PDs have badges 1 to {})", pd_count());
            continue;
        }
        if (received.info.label() == static_cast<sel4::Word>(sel4::gen::seL4_Fault::Tag::NullFault)) {
            make_passive(pd);
            continue;
        }
        // No reply: the faulting PD stays stopped, and the next receive drops its reply.
        report_fault(pd, badge, take_fault_message(received.info, sel4::ipc_buffer()));
    }
}

} // namespace

std::size_t pd_count() noexcept { return static_cast<std::size_t>(std::min<std::uint64_t>(pd_names_len, max_pds)); }
std::size_t vm_count() noexcept { return static_cast<std::size_t>(std::min<std::uint64_t>(vm_names_len, max_vms)); }
std::string_view pd_name(std::size_t index) noexcept { return name_in(pd_names[index]); }
std::string_view vm_name(std::size_t index) noexcept { return name_in(vm_names[index]); }
sel4::Word pd_stack_bottom(std::size_t index) noexcept { return pd_stack_bottom_addrs[index]; }

std::string_view error_name(sel4::Error error) noexcept {
    constexpr std::string_view names[] = {"seL4_NoError",         "seL4_InvalidArgument", "seL4_InvalidCapability",
                                          "seL4_IllegalOperation", "seL4_RangeError",      "seL4_AlignmentError",
                                          "seL4_FailedLookup",     "seL4_TruncatedMessage", "seL4_DeleteFirst",
                                          "seL4_RevokeFirst",      "seL4_NotEnoughMemory"};
    static_assert(std::size(names) == sel4::gen::NumErrors);
    const auto n = static_cast<std::size_t>(error);
    return n < std::size(names) ? names[n] : "<unknown error>";
}

} // namespace monitor

namespace {
int monitor_main(sel4::Word, sel4::Word) {
    monitor::name_threads();
    monitor::info("Microkit Monitor started!");
    monitor::serve();
}
} // namespace

SEL4_COMPONENT_MAIN(monitor_main)
