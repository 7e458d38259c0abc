// bindings.equivalence: the same invocations issued through libsel4's C stubs and
// through cpp-sel4 (typed API: blueprints, CSpace addresses, rights, badges, guards, VM
// attributes and typed capabilities standing for libsel4's words) deliver identical messages. The service capability of
// every invocation is an endpoint, served by a second thread that records what arrives
// (message info, badge, every message word, the capability transferred, unwrapped
// badges) and answers with a fixed reply, so the two sides' results and out-parameters
// are compared too, and one answer is an error.
#include "env.hpp"
#include "equivalence_libsel4.h"
#include "paging.hpp"

#include <array>
#include <bit>

using namespace bindings_test;

namespace {

constexpr sel4::Badge service_badge{0x5e};
constexpr Word reply_length = 40;

struct Record {
    Word info;
    Word badge;
    Word words[sel4::gen::MsgMaxLength];
    std::uint32_t received_cap_type;
    Word unwrapped_badges[sel4::gen::MsgMaxExtraCaps];

    bool operator==(const Record &) const = default;
};

struct Shared {
    Word endpoint;
    Word receive_slot;
    Word reply_label; // what the server answers with: 0, or an error
    Record *record;   // where the server writes the next message
    Word reply;       // the server's reply object (MCS)
};
Shared shared;

alignas(4096) sel4::IpcBuffer server_ipc;
alignas(16) char server_stack[16 * 1024];

[[noreturn]] void serve(Word) {
    sel4::IpcBuffer &ipc = server_ipc;
    const Server server(ipc, shared.endpoint, shared.receive_slot, shared.reply);
    const auto root = sel4::init::cnode.with(ipc);
    sel4::Received received = server.recv();
    for (;;) {
        Record &record = *shared.record;
        record = {};
        record.info = received.info.word();
        record.badge = received.badge.value();
        for (Word i = 0; i < received.info.length(); ++i)
            record.words[i] = ipc.msg[i];
        for (Word i = 0; i < received.info.extra_caps(); ++i)
            if (received.info.caps_unwrapped() & (Word{1} << i))
                record.unwrapped_badges[i] = ipc.caps_or_badges[i];
        record.received_cap_type = sel4::sys::debug_cap_identify(shared.receive_slot);
        if (record.received_cap_type != 0)
            (void)root.delete_(sel4::RelativeCPtr(shared.receive_slot));
        for (Word i = 0; i < reply_length; ++i)
            ipc.msg[i] = 0xa000 + i;
        received = server.reply_recv(sel4::MessageInfo(shared.reply_label, 0, 0, reply_length));
    }
}

using Words = std::array<Word, 64>;
using Invocation = long (*)(Word service, const EquivalenceCaps &caps, Words &out);

long error_of(sel4::Result<void> result) { return result ? 0 : static_cast<long>(result.error()); }
template <class T> long error_of(const sel4::Result<T> &result, Words &out) {
    if (!result)
        return static_cast<long>(result.error());
    static_assert(sizeof(T) <= sizeof(Words));
    __builtin_memcpy(out.data(), &*result, sizeof(T));
    return 0;
}

struct Case {
    const char *name;
    Invocation c;
    Invocation cpp;
    Word reply_label = 0;
};

// The CNode `caps.cnode` as the root of the addresses of a case.
sel4::cap::CNode root_of(const EquivalenceCaps &caps) { return sel4::cap::CNode(caps.cnode); }

// The guard the TCB cases give the new CSpace root (as equivalence_libsel4.c does).
constexpr sel4::CNodeCapData guard(0x3, 5);

// The fault endpoint of TCB_Configure and TCB_SetSpace: a word without MCS, a capability with it.
#if CPP_SEL4_CONFIG_KERNEL_MCS
sel4::cap::Endpoint fault_endpoint(const EquivalenceCaps &caps) { return sel4::cap::Endpoint(caps.tcb); }
#else
sel4::cap::Endpoint fault_endpoint(const EquivalenceCaps &) { return sel4::cap::Endpoint(0x44); }
#endif

const Case cases[] = {
    {"Untyped_Retype", [](Word s, const EquivalenceCaps &caps, Words &) { return c_untyped_retype(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(sel4::cap::Untyped(s).retype(sel4::ObjectBlueprint::cnode(4), root_of(caps).absolute({0x123, 12}),
                                                      77, 2));
     }},
    {"CNode_Copy", [](Word s, const EquivalenceCaps &caps, Words &) { return c_cnode_copy(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(
             sel4::cap::CNode(s).copy({5, 64}, root_of(caps).absolute({9, 63}), sel4::CapRights::read_write()));
     }},
    {"CNode_Mint", [](Word s, const EquivalenceCaps &caps, Words &) { return c_cnode_mint(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(sel4::cap::CNode(s).mint(sel4::RelativeCPtr(5), root_of(caps).absolute(sel4::RelativeCPtr(9)),
                                                  sel4::CapRights::all(), sel4::Badge(0xbad9e)));
     }},
    {"CNode_Mutate", [](Word s, const EquivalenceCaps &caps, Words &) { return c_cnode_mutate(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(sel4::cap::CNode(s).mutate(sel4::RelativeCPtr(5), root_of(caps).absolute(sel4::RelativeCPtr(9)),
                                                    sel4::CNodeCapData(0x15, 7)));
     }},
    {"CNode_Rotate", [](Word s, const EquivalenceCaps &caps, Words &) { return c_cnode_rotate(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(sel4::cap::CNode(s).rotate({5, 64}, sel4::Badge(0x51), root_of(caps).absolute({6, 64}),
                                                    sel4::Badge(0x52), root_of(caps).absolute({7, 62})));
     }},
    {"CNode_Delete", [](Word s, const EquivalenceCaps &caps, Words &) { return c_cnode_delete(s, &caps); },
     [](Word s, const EquivalenceCaps &, Words &) {
         return error_of(sel4::cap::CNode(s).delete_(sel4::RelativeCPtr(7)));
     }},
    {"TCB_Configure", [](Word s, const EquivalenceCaps &caps, Words &) { return c_tcb_configure(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         const sel4::cap::Tcb tcb(s);
#if CPP_SEL4_CONFIG_KERNEL_MCS
         return error_of(tcb.configure(root_of(caps), guard, sel4::cap::VSpace(caps.vspace), 0x22, 0x10000,
                                       sel4::cap::Page(caps.frame)));
#else
         return error_of(tcb.configure(fault_endpoint(caps), root_of(caps), guard, sel4::cap::VSpace(caps.vspace), 0x22,
                                       0x10000, sel4::cap::Page(caps.frame)));
#endif
     }},
    {"TCB_SetSpace", [](Word s, const EquivalenceCaps &caps, Words &) { return c_tcb_set_space(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(sel4::cap::Tcb(s).set_space(fault_endpoint(caps), root_of(caps), guard,
                                                     sel4::cap::VSpace(caps.vspace), 0));
     }},
    {"TCB_WriteRegisters", [](Word s, const EquivalenceCaps &caps, Words &) { return c_tcb_write_registers(s, &caps); },
     [](Word s, const EquivalenceCaps &, Words &) {
         std::array<Word, sizeof(sel4::gen::UserContext) / sizeof(Word)> words;
         for (Word i = 0; i < words.size(); ++i)
             words[i] = 0x1000 + i;
         return error_of(sel4::cap::Tcb(s).write_registers(true, 3, words.size(),
                                                           std::bit_cast<sel4::gen::UserContext>(words)));
     }},
    {"TCB_ReadRegisters",
     [](Word s, const EquivalenceCaps &caps, Words &out) { return c_tcb_read_registers(s, &caps, out.data(), 7); },
     [](Word s, const EquivalenceCaps &, Words &out) { return error_of(sel4::cap::Tcb(s).read_registers(false, 0, 7), out); }},
    {"TCB_SetPriority", [](Word s, const EquivalenceCaps &caps, Words &) { return c_tcb_set_priority(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(sel4::cap::Tcb(s).set_priority(sel4::cap::Tcb(caps.tcb), 100));
     }},
    {"Page_Map", [](Word s, const EquivalenceCaps &caps, Words &) { return c_page_map(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(sel4::cap::Page(s).map(sel4::cap::VSpace(caps.vspace), 0x12345000, sel4::CapRights::read(),
                                                paging::data_attributes));
     }},
    {"Page_GetAddress",
     [](Word s, const EquivalenceCaps &caps, Words &out) { return c_page_get_address(s, &caps, out.data()); },
     [](Word s, const EquivalenceCaps &, Words &out) { return error_of(sel4::cap::Page(s).get_address(), out); }},
    {"ASIDPool_Assign", [](Word s, const EquivalenceCaps &caps, Words &) { return c_asid_pool_assign(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(sel4::cap::AsidPool(s).assign(sel4::cap::VSpace(caps.vspace)));
     }},
    {"IRQControl_Get", [](Word s, const EquivalenceCaps &caps, Words &) { return c_irq_control_get(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(sel4::cap::IrqControl(s).get(33, root_of(caps).absolute(sel4::RelativeCPtr(8))));
     }},
    // An error answer: both sides return it, and leave the first message words in the
    // IPC buffer (compared through `out`).
    {"CNode_Copy (error)",
     [](Word s, const EquivalenceCaps &caps, Words &out) {
         long error = c_cnode_copy(s, &caps);
         __builtin_memcpy(out.data(), sel4::ipc_buffer().msg, 4 * sizeof(Word));
         return error;
     },
     [](Word s, const EquivalenceCaps &caps, Words &out) {
         long error = error_of(
             sel4::cap::CNode(s).copy({5, 64}, root_of(caps).absolute({9, 63}), sel4::CapRights::read_write()));
         __builtin_memcpy(out.data(), sel4::ipc_buffer().msg, 4 * sizeof(Word));
         return error;
     },
     static_cast<Word>(sel4::Error::IllegalOperation)},
#if CPP_SEL4_CONFIG_KERNEL_MCS
    {"SchedControl_ConfigureFlags",
     [](Word s, const EquivalenceCaps &caps, Words &) { return c_sched_control_configure_flags(s, &caps); },
     [](Word s, const EquivalenceCaps &caps, Words &) {
         return error_of(sel4::cap::SchedControl(s).configure_flags(sel4::cap::SchedContext(caps.cnode), 0x100000001ull,
                                                                    0x200000003ull, 2, sel4::Badge(0x55), 1));
     }},
#endif
};

} // namespace

void test_main(const test_support::BootInfoHead *head) {
    Env env(head);
    c_set_ipc_buffer(&env.boot_info().ipc_buffer());
    const auto root = sel4::init::cnode;
    const auto endpoint = env.make<sel4::obj::Endpoint>(sel4::ObjectBlueprint::endpoint());
    const Word service = env.alloc_slot();
    OK(root.mint(sel4::RelativeCPtr(service), root.absolute(endpoint), sel4::CapRights::all(), service_badge));
    shared.endpoint = endpoint.cptr();
    shared.receive_slot = env.alloc_slot();
#if CPP_SEL4_CONFIG_KERNEL_MCS
    shared.reply = env.make(sel4::ObjectBlueprint::reply());
#endif
    start_thread(env, {serve, 0, server_stack + sizeof server_stack, &server_ipc});

    // Once with capabilities to other objects (the first one is transferred), once with
    // the service endpoint itself in every capability argument (all of them unwrapped).
    const EquivalenceCaps cap_sets[] = {
        {sel4::init::cnode.cptr(), sel4::init::vspace.cptr(), env.make(sel4::ObjectBlueprint::page()),
         sel4::init::tcb.cptr()},
        {service, service, service, service},
    };
    for (const EquivalenceCaps &caps : cap_sets) {
        for (const Case &c : cases) {
            Record through_c, through_cpp;
            Words out_c{}, out_cpp{};
            shared.reply_label = c.reply_label;
            shared.record = &through_c;
            const long error_c = c.c(service, caps, out_c);
            shared.record = &through_cpp;
            const long error_cpp = c.cpp(service, caps, out_cpp);
            const sel4::MessageInfo info = sel4::MessageInfo::from_word(through_c.info);
            sel4::debug::println("{}: label {} length {} caps {} (unwrapped {:#b}, received type {}), error {}", c.name,
                                 info.label(), info.length(), info.extra_caps(), info.caps_unwrapped(),
                                 through_c.received_cap_type, error_c);
            CHECK(through_c.badge == service_badge.value());
            CHECK(through_c.info == through_cpp.info);
            CHECK(through_c == through_cpp);
            CHECK(error_c == error_cpp && error_c == static_cast<long>(c.reply_label));
            CHECK(out_c == out_cpp);
        }
    }
    test_support::pass();
}
