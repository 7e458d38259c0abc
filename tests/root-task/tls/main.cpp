// root-task.tls: thread_local values in two threads stay distinct. The second thread gets
// its own TLS block (initialised by the runtime from the program's PT_TLS) through its
// thread pointer register, and its own implicit IPC buffer, which is thread-local too.
#include "../check.hpp"
#include "thread_entry.hpp"

#include <sel4/runtime/arch/tls.hpp>
#include <sel4/runtime/root_task.hpp>
#include <sel4/runtime/tls.hpp>

#include <cstdlib>

namespace {

thread_local int counter = 5;              // .tdata
thread_local unsigned long zeroed[16];     // .tbss
thread_local const char *whose = "initial"; // a pointer in .tdata

struct Report {
    int counter;
    unsigned long zeroed_sum;
    const char *whose;
    sel4::IpcBuffer *ipc_buffer;
};
Report second_report;
sel4::Word done_notification;
sel4::Word second_tcb;

alignas(4096) sel4::IpcBuffer second_ipc;
alignas(16) char second_stack[16 * 1024];

[[noreturn]] void second_thread(sel4::Word) {
    sel4::set_ipc_buffer(second_ipc);
    Report report{counter, 0, whose, &sel4::ipc_buffer()};
    for (unsigned long value : zeroed)
        report.zeroed_sum += value;
    counter = 1000; // its own copy
    whose = "second";
    report.counter += counter;
    second_report = report;
    sel4::cap::Notification(done_notification).signal();
    (void)sel4::cap::Tcb(second_tcb).suspend();
    __builtin_trap();
}

// Retypes one object into the next empty slot from the first untyped with room.
sel4::Word make(const sel4::BootInfo &boot_info, sel4::Word &next_slot, sel4::ObjectBlueprint blueprint) {
    const sel4::Word slot = next_slot++;
    for (sel4::Word i = 0; i < boot_info.untyped().size(); ++i) {
        const sel4::UntypedDesc &desc = boot_info.untyped_list()[i];
        if (!desc.is_device && desc.size_bits >= blueprint.physical_size_bits() &&
            sel4::cap::Untyped(boot_info.untyped().start + i).retype(blueprint, sel4::init::cnode.absolute_self(), slot, 1))
            return slot;
    }
    return 0;
}

} // namespace

extern "C" const char __executable_start[];

int root_main(const sel4::BootInfo &boot_info) {
    CHECK(counter == 5 && whose[0] == 'i');
    counter = 6;
    sel4::Word next_slot = boot_info.empty().start;
    done_notification = make(boot_info, next_slot, sel4::ObjectBlueprint::notification());
    const sel4::cap::Tcb tcb(make(boot_info, next_slot, sel4::ObjectBlueprint::tcb()));
    CHECK(done_notification != 0 && tcb.cptr() != 0);
    second_tcb = tcb.cptr();

    // The second thread's TLS block, from the heap.
    const sel4_runtime::tls::Layout layout = sel4_runtime::tls::program_layout();
    void *block = std::aligned_alloc(layout.align, sel4_runtime::tls::align_up(layout.size, layout.align));
    CHECK(block != nullptr);
    const std::uintptr_t tp = sel4_runtime::tls::initialise(block);

    const sel4::Word page = sel4::Word{1} << sel4::gen::PageBits;
    const sel4::cap::Page ipc_frame(boot_info.user_image_frames().start +
                                    (reinterpret_cast<sel4::Word>(&second_ipc) - reinterpret_cast<sel4::Word>(__executable_start) / page * page) / page);
    const sel4::Word ipc = reinterpret_cast<sel4::Word>(&second_ipc);
#if CPP_SEL4_CONFIG_KERNEL_MCS
    CHECK(tcb.configure(sel4::init::cnode, sel4::CNodeCapData(), sel4::init::vspace, 0, ipc, ipc_frame));
    const sel4::cap::SchedContext sc(
        make(boot_info, next_slot, sel4::ObjectBlueprint::sched_context(sel4::gen::MinSchedContextBits)));
    CHECK(sel4::cap::SchedControl(boot_info.sched_control().start).configure_flags(sc, 5000, 10000, 0, sel4::Badge(), 0));
    CHECK(tcb.set_sched_params(sel4::init::tcb, 254, 254, sc, sel4::cap::Endpoint()));
#else
    CHECK(tcb.configure(sel4::cap::Endpoint(), sel4::init::cnode, sel4::CNodeCapData(), sel4::init::vspace, 0, ipc, ipc_frame));
    CHECK(tcb.set_priority(sel4::init::tcb, 254));
#endif
    sel4::gen::UserContext regs{};
    bindings_test::set_entry(regs, reinterpret_cast<sel4::Word>(&second_thread),
                             reinterpret_cast<sel4::Word>(second_stack + sizeof second_stack), 0);
    sel4_runtime::tls::arch::set_thread_pointer(regs, tp);
    CHECK(tcb.write_registers(true, 0, sizeof regs / sizeof(sel4::Word), regs));

    sel4::cap::Notification(done_notification).wait();
    sel4::debug::println("second thread saw counter {}, zeroed sum {}, whose '{}'", second_report.counter - 1000,
                         second_report.zeroed_sum, second_report.whose);
    CHECK(second_report.counter == 5 + 1000); // it started from the initial image, not from 6
    CHECK(second_report.zeroed_sum == 0);
    CHECK(second_report.whose[0] == 'i');
    CHECK(second_report.ipc_buffer == &second_ipc);
    // This thread's copies are its own.
    CHECK(counter == 6 && whose[0] == 'i');
    CHECK(&sel4::ipc_buffer() == &boot_info.ipc_buffer());
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
