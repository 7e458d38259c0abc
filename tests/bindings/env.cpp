#include "env.hpp"

#include "thread_entry.hpp"

extern "C" const char __executable_start[];

namespace bindings_test {

void check_failed(const char *what, const char *file, int line, const char *error) {
    sel4::debug::println("check failed at {}:{}: {}{}{}", file, line, what, error ? ": " : "", error ? error : "");
    test_support::fail(what);
}

const char *error_name(sel4::Error error) {
    using sel4::Error;
    switch (error) {
    case Error::NoError: return "NoError";
    case Error::InvalidArgument: return "InvalidArgument";
    case Error::InvalidCapability: return "InvalidCapability";
    case Error::IllegalOperation: return "IllegalOperation";
    case Error::RangeError: return "RangeError";
    case Error::AlignmentError: return "AlignmentError";
    case Error::FailedLookup: return "FailedLookup";
    case Error::TruncatedMessage: return "TruncatedMessage";
    case Error::DeleteFirst: return "DeleteFirst";
    case Error::RevokeFirst: return "RevokeFirst";
    case Error::NotEnoughMemory: return "NotEnoughMemory";
    }
    return "(unknown error)";
}

Env::Env(const test_support::BootInfoHead *head)
    : boot_info_(head), next_slot_(boot_info_.empty().start) {
    sel4::set_ipc_buffer(boot_info_.ipc_buffer());
}

Word Env::alloc_slot() {
    CHECK(next_slot_ < boot_info_.empty().end);
    return next_slot_++;
}

Word Env::make(sel4::ObjectBlueprint blueprint) {
    const Word slot = alloc_slot();
    const sel4::SlotRegion untyped = boot_info_.untyped();
    const auto list = boot_info_.untyped_list();
    for (Word i = 0; i < untyped.size(); ++i) {
        if (list[i].is_device || list[i].size_bits < blueprint.physical_size_bits())
            continue;
        sel4::cap::Untyped ut(untyped.start + i);
        auto result = ut.retype(blueprint, sel4::init::cnode.absolute_self(), slot, 1);
        if (result)
            return slot;
        if (result.error() != sel4::Error::NotEnoughMemory)
            check_failed("Untyped::retype", __FILE__, __LINE__, error_name(result.error()));
    }
    check_failed("an untyped with room for the object", __FILE__, __LINE__);
}

sel4::cap::Page Env::image_frame(const void *address) const {
    const Word page = Word{1} << sel4::gen::PageBits;
    const Word first = reinterpret_cast<Word>(__executable_start) / page;
    const Word index = reinterpret_cast<Word>(address) / page - first;
    CHECK(index < boot_info_.user_image_frames().size());
    return sel4::cap::Page(boot_info_.user_image_frames().start + index);
}

sel4::cap::Tcb start_thread(Env &env, const ThreadSetup &setup) {
    auto tcb = env.make<sel4::obj::Tcb>(sel4::ObjectBlueprint::tcb());
    const Word buffer = reinterpret_cast<Word>(setup.ipc_buffer);
    const sel4::cap::Page buffer_frame = env.image_frame(setup.ipc_buffer);
#if CPP_SEL4_CONFIG_KERNEL_MCS
    OK(tcb.configure(sel4::init::cnode, sel4::CNodeCapData(), sel4::init::vspace, 0, buffer, buffer_frame));
    auto sc = env.make<sel4::obj::SchedContext>(sel4::ObjectBlueprint::sched_context(sel4::gen::MinSchedContextBits));
    sel4::cap::SchedControl sched_control(env.boot_info().sched_control().start);
    OK(sched_control.configure_flags(sc, 5000, 10000, 0, sel4::Badge(), 0));
    OK(tcb.set_sched_params(sel4::init::tcb, 254, 254, sc, setup.fault_endpoint));
#else
    OK(tcb.configure(setup.fault_endpoint, sel4::init::cnode, sel4::CNodeCapData(), sel4::init::vspace, 0, buffer,
                     buffer_frame));
    OK(tcb.set_priority(sel4::init::tcb, 254));
#endif
    sel4::gen::UserContext regs{};
    set_entry(regs, reinterpret_cast<Word>(setup.entry), reinterpret_cast<Word>(setup.stack_top), setup.arg);
    OK(tcb.write_registers(false, 0, sizeof(regs) / sizeof(Word), regs));
    OK(tcb.resume());
    return tcb;
}

Server::Server(sel4::IpcBuffer &ipc, Word endpoint, Word receive_slot, Word reply)
    : endpoint_(sel4::cap::Endpoint(endpoint).with(ipc)), reply_(reply) {
    ipc.receive_cnode = sel4::init::cnode.cptr();
    ipc.receive_index = receive_slot;
    ipc.receive_depth = sel4::gen::WordBits;
}

sel4::Received Server::recv() const {
#if CPP_SEL4_CONFIG_KERNEL_MCS
    return endpoint_.recv(reply_);
#else
    return endpoint_.recv();
#endif
}

sel4::Received Server::reply_recv(sel4::MessageInfo answer) const {
#if CPP_SEL4_CONFIG_KERNEL_MCS
    return endpoint_.reply_recv(answer, reply_);
#else
    return endpoint_.reply_recv(answer);
#endif
}

} // namespace bindings_test
