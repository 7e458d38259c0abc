#include "random_spec.hpp"

#include <sel4/capdl/json.hpp>
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
    // A VSpace root has up to 1024 entries (aarch64's 40-bit stage-2 root), the tables below it 512.
    EXPECT_EQ(problems_after([](Spec &s) { get<object::PageTable>(s, 2).slots.push_back({1023, cap(CapKind::Frame, 1)}); }),
              std::vector<std::string>{});
    EXPECT_EQ(problems_after([](Spec &s) { get<object::PageTable>(s, 2).slots.push_back({1024, cap(CapKind::Frame, 1)}); }),
              std::vector<std::string>{"object 2 'vspace': slot 1024 is outside its 1024 entries"});
    EXPECT_EQ(problems_after([](Spec &s) {
                  get<object::PageTable>(s, 2).is_root = false;
                  get<object::PageTable>(s, 2).slots.push_back({512, cap(CapKind::Frame, 1)});
              }),
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

TEST(Validate, UntypedCoverChildrenFitTheirParent) {
    // A CNode of 2^12 slots of 32 bytes in an untyped of 2^16 bytes.
    EXPECT_EQ(problems_after([](Spec &s) { s.objects[10].object = object::CNode{12, {}}; }),
              std::vector<std::string>{"object 9 'untyped': untyped cover: its children need 131072 bytes, more than its 2^16"});
    EXPECT_EQ(problems_after([](Spec &s) { s.objects[10].object = object::CNode{11, {}}; }), std::vector<std::string>{});
    // Each child aligned to its size, in order: an endpoint at 0, a frame of 2^15 at 2^15, an
    // endpoint at 2^16 (without alignment, 32800 bytes would do).
    auto endpoint_frame_endpoint = [](Spec &s) {
        s.objects.push_back({"frame", object::Frame{15, std::nullopt, {}}});
        s.objects.push_back({"ep2", object::Endpoint{}});
        s.untyped_covers[0].children.end = 13;
    };
    EXPECT_EQ(problems_after(endpoint_frame_endpoint),
              std::vector<std::string>{"object 9 'untyped': untyped cover: its children need 65552 bytes, more than its 2^16"});
    // Two covers of one untyped share it; objects not made from memory take none of it.
    EXPECT_EQ(problems_after([](Spec &s) {
                  s.objects.push_back({"frame", object::Frame{16, std::nullopt, {}}});
                  s.objects.push_back({"irq2", object::Irq{}});
                  s.untyped_covers.push_back({9, {11, 13}});
              }),
              std::vector<std::string>{"object 9 'untyped': untyped cover: its children need 131072 bytes, more than its 2^16"});
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

// --- The rules of one kernel configuration ---

namespace {

const KernelConfig aarch64{.arch = "aarch64", .hypervisor = true};
const KernelConfig aarch64_mcs{.arch = "aarch64", .mcs = true, .hypervisor = true, .num_nodes = 2};
const KernelConfig aarch64_pa40{.arch = "aarch64", .hypervisor = true, .pt_levels = 3, .root_index_bits = 10};
const KernelConfig riscv64{.arch = "riscv64", .pt_levels = 3};
const KernelConfig x86_64{.arch = "x86_64"};

std::vector<std::string> kernel_problems(const KernelConfig &kernel, void (*change)(Spec &)) {
    Spec spec = good_spec();
    change(spec);
    return validate(spec, &kernel);
}

// good_spec's VSpace with a table per level below it and `frame` mapped in the last.
void add_paging(Spec &spec, unsigned levels, std::uint8_t frame_bits) {
    ObjectId parent = 2; // the root
    for (unsigned level = 1; level < levels; ++level) {
        spec.objects.push_back({"pt" + std::to_string(level), object::PageTable{false, false, static_cast<std::uint8_t>(level), {}}});
        const auto id = static_cast<ObjectId>(spec.objects.size() - 1);
        get<object::PageTable>(spec, parent).slots.push_back({0, cap(CapKind::PageTable, id)});
        parent = id;
    }
    spec.objects.push_back({"page", object::Frame{frame_bits, std::nullopt, {}}});
    get<object::PageTable>(spec, parent).slots.push_back({5, Cap{CapKind::Frame, static_cast<ObjectId>(spec.objects.size() - 1)}});
}

} // namespace

TEST(ValidateKernel, AcceptsTheSpecOnEachArch) {
    EXPECT_EQ(validate(good_spec(), &aarch64), std::vector<std::string>{}); // its IRQ is an ARM one
    Spec riscv = good_spec();
    riscv.objects[6].object = object::RiscvIrq{{{0, cap(CapKind::Notification, 4)}}, 1};
    add_paging(riscv, 3, 12);
    EXPECT_EQ(validate(riscv, &riscv64), std::vector<std::string>{});
}

TEST(ValidateKernel, ObjectsOfAnotherArch) {
    EXPECT_EQ(kernel_problems(riscv64, [](Spec &) {}),
              std::vector<std::string>{"object 6 'irq': a ArmIrq object, which riscv64 kernels do not have"});
    EXPECT_EQ(kernel_problems(aarch64, [](Spec &s) { s.objects.push_back({"ports", object::IOPorts{0x3f8, 0x3ff}}); }),
              std::vector<std::string>{"object 11 'ports': a IOPorts object, which aarch64 kernels do not have"});
    EXPECT_EQ(kernel_problems(KernelConfig{.arch = "aarch64"}, [](Spec &s) { s.objects.push_back({"vcpu", object::VCpu{}}); }),
              std::vector<std::string>{"object 11 'vcpu': a VCpu object, which needs ARM_HYPERVISOR_SUPPORT (off in the kernel configuration)"});
}

TEST(ValidateKernel, McsAndNonMcs) {
    EXPECT_EQ(kernel_problems(aarch64, [](Spec &s) { s.objects.push_back({"sc", object::SchedContext{8, 1000, 100, 0}}); }),
              std::vector<std::string>{"object 11 'sc': a SchedContext object, which only MCS kernels have (KERNEL_MCS is off)"});
    EXPECT_EQ(kernel_problems(aarch64, [](Spec &s) { get<object::Tcb>(s, 5).slots.push_back({5, cap(CapKind::Endpoint, 0)}); }),
              std::vector<std::string>{"object 5 'tcb': slot 5 (fault endpoint) is for MCS kernels (KERNEL_MCS is off)"});
    EXPECT_EQ(kernel_problems(aarch64_mcs, [](Spec &s) { get<object::Tcb>(s, 5).extra.master_fault_ep = 3; }),
              std::vector<std::string>{"object 5 'tcb': a fault endpoint CPtr (master_fault_ep), which only non-MCS kernels "
                                       "take; an MCS kernel takes the fault endpoint's cap in slot 5"});
}

TEST(ValidateKernel, SizesTheArchDoesNotHave) {
    EXPECT_EQ(kernel_problems(x86_64, [](Spec &s) {
                  s.objects[6].object = object::Irq{};
                  get<object::Frame>(s, 1).size_bits = 30;
              }),
              std::vector<std::string>{"object 1 'buffer': a frame of 2^30 bytes, which x86_64 does not have (its frames are 2^12, 2^21)"});
    EXPECT_EQ(kernel_problems(riscv64, [](Spec &s) {
                  s.objects[6].object = object::Irq{};
                  get<object::Untyped>(s, 9).size_bits = 40;
                  get<object::Untyped>(s, 9).paddr = std::uint64_t{1} << 40;
              }),
              std::vector<std::string>{"object 9 'untyped': an untyped of 2^40 bytes (riscv64 takes 2^4 to 2^38)"});
}

TEST(ValidateKernel, PagingLevels) {
    auto with_paging = [](const KernelConfig &kernel, unsigned levels, std::uint8_t bits) {
        Spec spec = good_spec();
        spec.objects[6].object = object::Irq{};
        add_paging(spec, levels, bits);
        return validate(spec, &kernel);
    };
    EXPECT_EQ(with_paging(x86_64, 4, 12), std::vector<std::string>{});
    EXPECT_EQ(with_paging(x86_64, 3, 21), std::vector<std::string>{});
    EXPECT_EQ(with_paging(x86_64, 4, 21),
              std::vector<std::string>{"object 13 'pt3': slot 5: a frame of 2^21 bytes at level 3, which maps frames of 2^12"});
    EXPECT_EQ(with_paging(x86_64, 1, 12),
              std::vector<std::string>{"object 2 'vspace': slot 5: a Frame cap at level 0, which holds only page tables"});
    EXPECT_EQ(with_paging(riscv64, 4, 12),
              std::vector<std::string>{"object 12 'pt2': slot 0: a PageTable cap at level 2, the last, which maps only frames"});
    Spec mislabelled = good_spec();
    mislabelled.objects[6].object = object::Irq{};
    add_paging(mislabelled, 2, 30);
    get<object::PageTable>(mislabelled, 11).level = 2;
    EXPECT_EQ(validate(mislabelled, &x86_64),
              (std::vector<std::string>{"object 12 'page': a frame of 2^30 bytes, which x86_64 does not have (its frames are 2^12, 2^21)",
                                        "object 11 'pt1': at level 1 under object 2 'vspace', but its level says 2",
                                        "object 11 'pt1': slot 5: a Frame cap at level 1, which holds only page tables"}));
}

TEST(ValidateKernel, RootEntriesAndFrameSizesPerLevel) {
    // aarch64's 40-bit stage-2 VSpace: a root of 1024 entries mapping 1 GiB each, then 2 MiB, then 4 KiB.
    auto map = [](const KernelConfig &kernel, std::uint32_t slot, std::uint8_t frame_bits) {
        Spec spec = good_spec();
        spec.objects.push_back({"page", object::Frame{frame_bits, std::nullopt, {}}});
        get<object::PageTable>(spec, 2).slots.push_back({slot, Cap{CapKind::Frame, 11}});
        return validate(spec, &kernel);
    };
    EXPECT_EQ(map(aarch64_pa40, 1023, 30), std::vector<std::string>{});
    EXPECT_EQ(map(aarch64_pa40, 1024, 30), std::vector<std::string>{"object 2 'vspace': slot 1024 is outside its 1024 entries"});
    EXPECT_EQ(map(aarch64_pa40, 3, 21),
              std::vector<std::string>{"object 2 'vspace': slot 3: a frame of 2^21 bytes at level 0, which maps frames of 2^30"});
    EXPECT_EQ(map(aarch64, 512, 30),
              (std::vector<std::string>{"object 2 'vspace': slot 512 is outside its 512 entries",
                                        "object 2 'vspace': slot 512: a Frame cap at level 0, which holds only page tables"}));
    Spec spec = good_spec();
    add_paging(spec, 3, 12);
    EXPECT_EQ(validate(spec, &aarch64_pa40), std::vector<std::string>{});
}

TEST(ValidateKernel, UntypedCoverSizesOfTheKernel) {
    // Two notifications in 64 bytes: 32 bytes each, but 64 on MCS kernels.
    auto two_notifications = [](Spec &s) {
        get<object::Untyped>(s, 9).size_bits = 6;
        s.objects[10].object = object::Notification{};
        s.objects.push_back({"notification2", object::Notification{}});
        s.untyped_covers[0].children.end = 12;
    };
    EXPECT_EQ(kernel_problems(aarch64, two_notifications), std::vector<std::string>{});
    EXPECT_EQ(kernel_problems(aarch64_mcs, two_notifications),
              std::vector<std::string>{"object 9 'untyped': untyped cover: its children need 128 bytes, more than its 2^6"});
    // A VSpace root of 1024 entries takes 2^13 bytes.
    auto vspace_root = [](Spec &s) {
        get<object::Untyped>(s, 9).size_bits = 12;
        s.objects[10].object = object::PageTable{false, true, 0, {}};
    };
    EXPECT_EQ(kernel_problems(aarch64, vspace_root), std::vector<std::string>{});
    EXPECT_EQ(kernel_problems(aarch64_pa40, vspace_root),
              std::vector<std::string>{"object 9 'untyped': untyped cover: its children need 8192 bytes, more than its 2^12"});
}

TEST(ValidateKernel, ReadsTheConfigurationThatDecidesPagingAndSizes) {
    const KernelConfig pa40 = read_kernel_config(
        R"({"SEL4_ARCH": "aarch64", "ARM_HYPERVISOR_SUPPORT": true, "AARCH64_VSPACE_S2_START_L1": true, "HAVE_FPU": true})", "pa40");
    EXPECT_EQ(pa40.pt_levels, 3u);
    EXPECT_EQ(pa40.root_index_bits, 10u);
    EXPECT_EQ(pa40.object_sizes().vspace, 13u);
    const KernelConfig pa44 = read_kernel_config(R"({"SEL4_ARCH": "aarch64", "ARM_HYPERVISOR_SUPPORT": true})", "pa44");
    EXPECT_EQ(pa44.pt_levels, 4u);
    EXPECT_EQ(pa44.root_index_bits, 9u);
    EXPECT_EQ(pa44.tcb_bits, 11u);
    EXPECT_EQ(read_kernel_config(R"({"SEL4_ARCH": "aarch64", "HARDWARE_DEBUG_API": true})", "debug").tcb_bits, 12u);
    EXPECT_EQ(read_kernel_config(R"({"SEL4_ARCH": "riscv64", "HAVE_FPU": true})", "fpu").tcb_bits, 11u);
    EXPECT_EQ(read_kernel_config(R"({"SEL4_ARCH": "riscv64", "HAVE_FPU": false})", "no-fpu").tcb_bits, 10u);
    EXPECT_EQ(read_kernel_config(R"({"SEL4_ARCH": "aarch64", "TIMER_TICK_MS": "5"})", "tick").timer_tick_ms, 5u);
    EXPECT_EQ(read_kernel_config(R"({"SEL4_ARCH": "aarch64"})", "no-tick").timer_tick_ms, 2u);
    EXPECT_EQ(read_kernel_config(R"({"SEL4_ARCH": "x86_64", "XSAVE_SIZE": "512"})", "xsave").tcb_bits, 11u);
    EXPECT_EQ(read_kernel_config(R"({"SEL4_ARCH": "x86_64", "XSAVE_SIZE": "832"})", "avx512").tcb_bits, 12u);
    const KernelConfig mcs = read_kernel_config(R"({"SEL4_ARCH": "riscv64", "KERNEL_MCS": true})", "mcs");
    EXPECT_EQ(mcs.object_sizes().notification, 6u);
}

TEST(ValidateKernel, CoresAndDomains) {
    EXPECT_EQ(kernel_problems(aarch64, [](Spec &s) { get<object::Tcb>(s, 5).extra.affinity = 1; }),
              std::vector<std::string>{"object 5 'tcb': affinity 1, but the kernel has 1 core (MAX_NUM_NODES=1)"});
    EXPECT_EQ(kernel_problems(aarch64_mcs, [](Spec &s) { get<object::Tcb>(s, 5).extra.affinity = 1; }), std::vector<std::string>{});
    EXPECT_EQ(kernel_problems(aarch64, [](Spec &s) { get<object::Tcb>(s, 5).extra.domain = 2; }),
              std::vector<std::string>{"object 5 'tcb': domain 2, but the kernel has 1 domain (NUM_DOMAINS=1)"});
}

TEST(ValidateKernel, RandomSpecsNeverCrashIt) {
    for (unsigned seed = 0; seed < 1000; ++seed) {
        for (const KernelConfig *kernel : {&aarch64, &riscv64, &x86_64, &aarch64_mcs, &aarch64_pa40}) {
            validate(capdl_test::RandomSpec(seed).make(1 + seed % 30), kernel);
        }
    }
}
