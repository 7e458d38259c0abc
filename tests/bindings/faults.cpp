// bindings.faults: threads fault with a VM fault, a capability fault (a call through a
// CPtr that does not resolve, a receive on a slot that holds no endpoint), an unknown
// syscall and a user exception; the fault handler (this root task, on the faulting
// threads' fault endpoint) decodes each message into the right type and fields. On a
// hypervisor aarch64 kernel, a breakpoint comes back as a VCPU fault.
#include "env.hpp"
#include "thread_entry.hpp"

#include <variant>

using namespace bindings_test;

namespace {

constexpr Word bad_address = 0x10;
constexpr Word unresolvable = Word{1} << 40; // fails the root CNode's guard
constexpr Word empty_slot = 0xfff;            // resolves, to a null capability
constexpr long unknown_syscall = -77;

alignas(4096) sel4::IpcBuffer thread_ipc;
#if CPP_SEL4_CONFIG_KERNEL_MCS
sel4::cap::Reply fault_reply; // the reply object the handler receives faults with
#endif
alignas(16) char thread_stack[16 * 1024];

void vm_fault(Word) {
    Word address = bad_address;
    asm volatile("" : "+r"(address)); // an address the compiler cannot see through
    (void)*reinterpret_cast<volatile Word *>(address);
}
void cap_fault_on_call(Word) { sel4::cap::Endpoint(unresolvable).with(thread_ipc).call(sel4::MessageInfo(0, 0, 0, 0)); }
void cap_fault_on_recv(Word) { sel4::sys::wait(thread_ipc, empty_slot); }
void bad_syscall(Word) { sel4::sys::arch::null(static_cast<sel4::sys::Syscall>(unknown_syscall)); }
void user_exception(Word) { undefined_instruction(); }
#if CPP_SEL4_CONFIG_ARM_HYPERVISOR_SUPPORT
// On a hypervisor kernel, debug exceptions of a thread go to EL2 and come back as VCPU faults.
void breakpoint(Word) { asm volatile("brk #0x123"); }
#endif

// Whether `ip` is in the first bytes of `function` (these functions are a few instructions).
bool within(Word ip, void (*function)(Word)) {
    const Word start = reinterpret_cast<Word>(function);
    return ip >= start && ip < start + 64;
}

template <class Fault> Fault expect_fault(Env &env, sel4::cap::Endpoint fault_ep, void (*entry)(Word), const char *name) {
    const sel4::cap::Tcb tcb =
        start_thread(env, {entry, 0, thread_stack + sizeof thread_stack, &thread_ipc, fault_ep});
#if CPP_SEL4_CONFIG_KERNEL_MCS
    const sel4::Received received = fault_ep.recv(fault_reply);
#else
    const sel4::Received received = fault_ep.recv();
#endif
    OK(tcb.suspend());
    const sel4::fault::Fault fault = sel4::fault::decode(received.info, sel4::ipc_buffer());
    sel4::debug::println("{}: label {} length {}, fault variant {}", name, received.info.label(),
                         received.info.length(), fault.index());
    if (!std::holds_alternative<Fault>(fault)) {
        const Word *mr = sel4::ipc_buffer().msg;
        sel4::debug::println("  unexpected fault: mrs {:#x} {:#x} {:#x} {:#x}", mr[0], mr[1], mr[2], mr[3]);
    }
    CHECK(std::holds_alternative<Fault>(fault));
    return std::get<Fault>(fault);
}

} // namespace

void test_main(const test_support::BootInfoHead *head) {
    Env env(head);
    const auto fault_ep = env.make<sel4::obj::Endpoint>(sel4::ObjectBlueprint::endpoint());
#if CPP_SEL4_CONFIG_KERNEL_MCS
    fault_reply = env.make<sel4::obj::Reply>(sel4::ObjectBlueprint::reply());
#endif
    CHECK(sel4::sys::debug_cap_identify(empty_slot) == 0);

    const auto vm = expect_fault<sel4::fault::VmFault>(env, fault_ep, vm_fault, "vm fault");
    sel4::debug::println("  ip {:#x} addr {:#x} prefetch {} fsr {:#x}", vm.ip, vm.addr, vm.prefetch_fault, vm.fsr);
    CHECK(vm.addr == bad_address && !vm.prefetch_fault && within(vm.ip, vm_fault));

    const auto on_call = expect_fault<sel4::fault::CapFault>(env, fault_ep, cap_fault_on_call, "cap fault (call)");
    CHECK(on_call.addr == unresolvable && !on_call.in_recv_phase && on_call.ip != 0);
    const auto on_recv = expect_fault<sel4::fault::CapFault>(env, fault_ep, cap_fault_on_recv, "cap fault (recv)");
    CHECK(on_recv.addr == empty_slot && on_recv.in_recv_phase);

    const auto syscall = expect_fault<sel4::fault::UnknownSyscall>(env, fault_ep, bad_syscall, "unknown syscall");
    sel4::debug::println("  ip {:#x} sp {:#x} syscall {}", syscall.fault_ip, syscall.sp, static_cast<long>(syscall.syscall));
    CHECK(static_cast<long>(syscall.syscall) == unknown_syscall && syscall.fault_ip != 0 && syscall.sp != 0);

    const auto exception = expect_fault<sel4::fault::UserException>(env, fault_ep, user_exception, "user exception");
    sel4::debug::println("  ip {:#x} sp {:#x} number {} code {:#x}", exception.fault_ip, exception.sp, exception.number,
                         exception.code);
    CHECK(within(exception.fault_ip, user_exception) && exception.sp != 0);
#if CPP_SEL4_CONFIG_ARM_HYPERVISOR_SUPPORT
    const auto vcpu = expect_fault<sel4::fault::VcpuFault>(env, fault_ep, breakpoint, "breakpoint");
    sel4::debug::println("  hsr {:#x}", vcpu.hsr);
    CHECK(vcpu.hsr >> 26 == 0x3c && (vcpu.hsr & 0xffff) == 0x123); // EC: BRK in AArch64, its immediate
#endif
    test_support::pass();
}
