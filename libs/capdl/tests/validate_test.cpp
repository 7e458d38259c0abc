#include "random_spec.hpp"

#include <sel4/capdl/validate.hpp>

#include <gtest/gtest.h>

using namespace sel4::capdl;

namespace {

Cap cap(CapKind kind, ObjectId object) { return Cap{kind, object}; }

// A consistent system: a thread with its CSpace, VSpace and IPC buffer, an endpoint in its
// CSpace, a notification an IRQ signals, an ASID pool, an untyped the thread's objects were
// made from at a physical address.
Spec good_spec() {
    Spec spec;
    auto add = [&](std::string name, Object object) {
        spec.objects.push_back({std::move(name), std::move(object)});
        return static_cast<ObjectId>(spec.objects.size() - 1);
    };
    const ObjectId ep = add("ep", object::Endpoint{});
    const ObjectId buffer = add("buffer", object::Frame{12, std::nullopt, {}});
    const ObjectId vspace = add("vspace", object::PageTable{false, true, 0, {}});
    const ObjectId cnode = add("cnode", object::CNode{4, {{1, Cap{CapKind::Endpoint, ep, 5, Rights::all()}}}});
    const ObjectId notification = add("notification", object::Notification{});
    add("tcb", object::Tcb{{{object::tcb_slot::cspace, Cap{CapKind::CNode, cnode, 0, {}, 0, 60}},
                            {object::tcb_slot::vspace, cap(CapKind::PageTable, vspace)},
                            {object::tcb_slot::ipc_buffer, Cap{CapKind::Frame, buffer, 0, Rights{true, true, false, false}}}},
                           {}});
    const ObjectId irq = add("irq", object::ArmIrq{{{0, cap(CapKind::Notification, notification)}}, 1, 0});
    const ObjectId pool = add("pool", object::AsidPool{1});
    add("device", object::Frame{12, 0x9000000, {}});
    const ObjectId untyped = add("untyped", object::Untyped{16, 0x40000000});
    add("child", object::Endpoint{});
    spec.irqs.push_back({79, irq});
    spec.asid_slots.push_back(pool);
    spec.root_objects = {0, untyped + 1};
    spec.untyped_covers.push_back({untyped, {untyped + 1, untyped + 2}});
    return spec;
}

std::vector<std::string> problems_after(void (*change)(Spec &)) {
    Spec spec = good_spec();
    change(spec);
    return validate(spec);
}

template <class T> T &get(Spec &spec, std::size_t index) { return std::get<T>(spec.objects[index].object); }

} // namespace

TEST(Validate, AcceptsAConsistentSpec) { EXPECT_EQ(validate(good_spec()), std::vector<std::string>{}); }

TEST(Validate, DanglingObjectIds) {
    EXPECT_EQ(problems_after([](Spec &s) { get<object::CNode>(s, 3).slots[0].cap.object = 42; }),
              std::vector<std::string>{"object 3 'cnode': slot 1: Endpoint cap: refers to object 42, but the spec has 11 objects"});
    EXPECT_EQ(problems_after([](Spec &s) { s.irqs[0].handler = 11; }),
              std::vector<std::string>{"irq 79: handler: refers to object 11, but the spec has 11 objects"});
    EXPECT_EQ(problems_after([](Spec &s) { s.asid_slots[0] = 99; }),
              std::vector<std::string>{"asid slot 0: refers to object 99, but the spec has 11 objects"});
    EXPECT_EQ(problems_after([](Spec &s) { s.root_objects.end = 12; }),
              (std::vector<std::string>{"root_objects [0, 12) is not within the spec's 11 objects",
                                        "untyped cover 0: children [10, 11) overlap the root objects"}));
}

TEST(Validate, CapToTheWrongKindOfObject) {
    EXPECT_EQ(problems_after([](Spec &s) { get<object::CNode>(s, 3).slots[0].cap.object = 4; }),
              std::vector<std::string>{"object 3 'cnode': slot 1: a Endpoint cap to object 4 'notification', which is a Notification"});
    EXPECT_EQ(problems_after([](Spec &s) { s.irqs[0].handler = 0; }),
              std::vector<std::string>{"irq 79: handler object 0 'ep' is a Endpoint, not an IRQ object"});
    EXPECT_EQ(problems_after([](Spec &s) { s.asid_slots[0] = 0; }),
              std::vector<std::string>{"asid slot 0: object 0 'ep' is not an AsidPool"});
}

TEST(Validate, SlotsOutsideACNodeOrUsedTwice) {
    EXPECT_EQ(problems_after([](Spec &s) { get<object::CNode>(s, 3).slots[0].slot = 16; }),
              std::vector<std::string>{"object 3 'cnode': slot 16 is outside its 2^4 slots"});
    EXPECT_EQ(problems_after([](Spec &s) {
                  auto &slots = get<object::CNode>(s, 3).slots;
                  slots.push_back(slots[0]);
              }),
              std::vector<std::string>{"object 3 'cnode': slot 1 holds two caps"});
    EXPECT_EQ(problems_after([](Spec &s) { get<object::CNode>(s, 3).size_bits = 0; }),
              (std::vector<std::string>{"object 3 'cnode': a CNode of 2^0 slots (1 to 32 bits)",
                                        "object 3 'cnode': slot 1 is outside its 2^0 slots"}));
}

TEST(Validate, TcbWithoutItsCSpaceVSpaceOrIpcBuffer) {
    EXPECT_EQ(problems_after([](Spec &s) { get<object::Tcb>(s, 5).slots.clear(); }),
              (std::vector<std::string>{"object 5 'tcb': no CSpace (slot 0)", "object 5 'tcb': no VSpace (slot 1)",
                                        "object 5 'tcb': no IPC buffer (slot 4)"}));
    EXPECT_EQ(problems_after([](Spec &s) { get<object::Tcb>(s, 5).slots[1].cap = cap(CapKind::Endpoint, 0); }),
              std::vector<std::string>{"object 5 'tcb': no VSpace (slot 1): it holds a Endpoint cap, not a PageTable cap"});
}

TEST(Validate, PageTableSlots) {
    EXPECT_EQ(problems_after([](Spec &s) { get<object::PageTable>(s, 2).slots.push_back({512, cap(CapKind::Frame, 1)}); }),
              std::vector<std::string>{"object 2 'vspace': slot 512 is outside its 512 entries"});
    EXPECT_EQ(problems_after([](Spec &s) {
                  auto &slots = get<object::PageTable>(s, 2).slots;
                  slots.push_back({7, cap(CapKind::Frame, 1)});
                  slots.push_back({7, cap(CapKind::Frame, 8)});
              }),
              std::vector<std::string>{"object 2 'vspace': slot 7 holds two caps"});
    EXPECT_EQ(problems_after([](Spec &s) { get<object::PageTable>(s, 2).slots.push_back({3, cap(CapKind::Endpoint, 0)}); }),
              std::vector<std::string>{"object 2 'vspace': slot 3: a Endpoint cap in a page table, which maps only page tables and frames"});
}

TEST(Validate, OverlappingOrMisalignedPhysicalObjects) {
    EXPECT_EQ(problems_after([](Spec &s) { get<object::Frame>(s, 8).paddr = 0x40001000; }),
              std::vector<std::string>{"object 9 'untyped' and object 8 'device' overlap at physical address 0x40001000"});
    EXPECT_EQ(problems_after([](Spec &s) { get<object::Frame>(s, 8).paddr = 0x9000800; }),
              std::vector<std::string>{"object 8 'device': physical address 0x9000800 is not aligned to its size 2^12"});
}

TEST(Validate, UntypedCovers) {
    EXPECT_EQ(problems_after([](Spec &s) { s.untyped_covers[0].parent = 0; }),
              std::vector<std::string>{"untyped cover 0: parent object 0 'ep' is a Endpoint, not an Untyped"});
    EXPECT_EQ(problems_after([](Spec &s) { s.untyped_covers[0].children = {9, 11}; }),
              std::vector<std::string>{"untyped cover 0: children [9, 11) overlap the root objects"});
    EXPECT_EQ(problems_after([](Spec &s) { s.untyped_covers[0].children = {10, 12}; }),
              std::vector<std::string>{"untyped cover 0: children [10, 12) are not within the spec's 11 objects"});
}

TEST(Validate, BadgesAndGuardsOnCapsThatCannotCarryThem) {
    EXPECT_EQ(problems_after([](Spec &s) { get<object::Tcb>(s, 5).slots[2].cap.badge = 3; }),
              std::vector<std::string>{"object 5 'tcb': slot 4: a Frame cap with badge 3, which only Endpoint and Notification caps carry"});
    EXPECT_EQ(problems_after([](Spec &s) { get<object::Tcb>(s, 5).slots[1].cap.guard_size = 2; }),
              std::vector<std::string>{"object 5 'tcb': slot 1: a PageTable cap with a guard, which only CNode caps carry"});
    EXPECT_EQ(problems_after([](Spec &s) { get<object::Tcb>(s, 5).slots[0].cap.guard_size = 65; }),
              std::vector<std::string>{"object 5 'tcb': slot 0: a CNode cap with a guard of 65 bits (at most 64)"});
}

TEST(Validate, FillsWithinTheFrame) {
    EXPECT_EQ(problems_after([](Spec &s) {
                  get<object::Frame>(s, 1).init.push_back({{4000, 4100}, object::FileData{"a.elf", 0}});
              }),
              std::vector<std::string>{"object 1 'buffer': fill [4000, 4100) is not within the frame's 4096 bytes"});
}

// Whatever a spec holds, the validator answers with messages, never a crash.
TEST(Validate, RandomSpecsNeverCrashIt) {
    std::size_t problems = 0;
    for (unsigned seed = 0; seed < 2000; ++seed) problems += validate(capdl_test::RandomSpec(seed).make(1 + seed % 30)).size();
    EXPECT_GT(problems, 0u);
}
