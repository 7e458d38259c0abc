#include <sel4/capdl/builder.hpp>

#include <tuple>
#include <sel4/capdl/json.hpp>

#include <elf_file.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <map>

using namespace sel4::capdl;

namespace {

const KernelConfig aarch64{.arch = "aarch64", .hypervisor = true};
const KernelConfig aarch64_pa40{.arch = "aarch64", .hypervisor = true, .pt_levels = 3, .root_index_bits = 10};
const KernelConfig riscv64{.arch = "riscv64", .pt_levels = 3};
const KernelConfig x86_64{.arch = "x86_64"};

std::uint16_t machine_of(const KernelConfig &kernel) {
    if (kernel.arch == "aarch64") return elf::machine_aarch64;
    if (kernel.arch == "riscv64") return elf::machine_riscv;
    return elf::machine_x86_64;
}

// A program of two segments sharing the page 0x401000: text [0x400000, 0x401800) (R X) and
// data [0x401800, 0x403800) (R W) of which the file holds 0x100 bytes.
elf::File program(std::uint16_t machine) {
    elf::File file{
        .name = "program", .machine = machine, .entry = 0x400100, .segments = {}, .symbols = {}, .symbol_sizes = {}};
    std::vector<std::uint8_t> text(0x1800), data(0x100);
    for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<std::uint8_t>(i * 7 + 1);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(0xd0 ^ i);
    file.segments.push_back({0x400000, 0x400000, 0x1800, 5, text});
    file.segments.push_back({0x401800, 0x401800, 0x2000, 6, data});
    return file;
}

// The file written for a test, by name.
std::string write_elf(const elf::File &file, const std::string &name) {
    const std::string path = ::testing::TempDir() + "builder_test_" + name + ".elf";
    elf::write_file_atomically(path, elf::serialize(file));
    return path;
}

std::string error_of(const std::function<void()> &action) {
    try {
        action();
    } catch (const BuildError &error) {
        return error.what();
    }
    return "(no error)";
}

ObjectId id_of(const Builder &builder, std::string_view name) {
    const std::optional<ObjectId> id = builder.find(name);
    if (!id) throw std::runtime_error("no object '" + std::string(name) + "'");
    return *id;
}

// The cap in a slot of an object of the builder's, by name.
Cap slot_cap(const Builder &builder, std::string_view holder, std::uint32_t slot) {
    const CapTable *slots = slots_of(builder.spec().objects[id_of(builder, holder)].object);
    for (const CapTableEntry &entry : *slots) {
        if (entry.slot == slot) return entry.cap;
    }
    throw std::runtime_error(std::string(holder) + " has no slot " + std::to_string(slot));
}

// The names of the page tables (not roots) at each level 1, 2, ...
std::map<unsigned, std::vector<std::string>> tables_by_level(const Spec &spec) {
    std::map<unsigned, std::vector<std::string>> tables;
    for (const NamedObject &named : spec.objects) {
        if (const auto *table = std::get_if<object::PageTable>(&named.object); table != nullptr && !table->is_root) {
            tables[*table->level].push_back(*named.name);
        }
    }
    return tables;
}

struct Paging {
    const KernelConfig *kernel;
    std::map<unsigned, std::vector<std::string>> tables; // by level
    std::string last;                                    // the table mapping the ELF's pages
};

class BuilderPaging : public ::testing::TestWithParam<Paging> {};

} // namespace

// thread_from_elf on each arch: the ELF's pages and their fills, the stack, the IPC buffer,
// the TCB, and the page tables of each level made on the way.
TEST_P(BuilderPaging, ThreadFromElf) {
    const KernelConfig &kernel = *GetParam().kernel;
    const elf::File file = program(machine_of(kernel));
    const std::string path = write_elf(file, kernel.arch + std::to_string(kernel.pt_levels));
    Builder builder(kernel);
    const Thread thread = builder.thread_from_elf("a", path, "a.elf");
    const Spec spec = builder.finish();
    EXPECT_EQ(tables_by_level(spec), GetParam().tables);

    // The frames, with their rights and fills.
    struct Expected {
        Word vaddr;
        Rights rights;
        bool executable;
        std::vector<Range<std::uint64_t>> fills;
    };
    const std::vector<std::uint8_t> bytes = elf::read_file(path);
    auto image = [&](Word vaddr) -> std::uint8_t { // the program's byte at vaddr, 0 past the file's bytes
        for (const elf::Segment &segment : file.segments) {
            if (vaddr >= segment.virtual_address && vaddr < segment.virtual_address + segment.data.size()) {
                return segment.data[vaddr - segment.virtual_address];
            }
        }
        return 0;
    };
    for (const Expected &expected : {Expected{0x400000, read_only, true, {{0, 0x1000}}},
                                     Expected{0x401000, read_write, true, {{0, 0x800}, {0x800, 0x900}}},
                                     Expected{0x402000, read_write, false, {}}, Expected{0x403000, read_write, false, {}}}) {
        const std::string frame_name = "a_elf_" + elf::hex(expected.vaddr);
        SCOPED_TRACE(frame_name);
        EXPECT_EQ(builder.mapping(thread.vspace, expected.vaddr), id_of(builder, frame_name));
        const Cap cap = slot_cap(builder, GetParam().last, (expected.vaddr >> 12) & 511);
        EXPECT_EQ(cap, cap::frame(id_of(builder, frame_name), expected.rights, true, expected.executable));
        const auto &frame = builder.get<object::Frame>(id_of(builder, frame_name));
        ASSERT_EQ(frame.init.size(), expected.fills.size());
        for (std::size_t i = 0; i < frame.init.size(); ++i) {
            EXPECT_EQ(frame.init[i].range, expected.fills[i]);
            const auto &data = std::get<object::FileData>(frame.init[i].content);
            EXPECT_EQ(data.file, "a.elf");
            for (std::uint64_t k = frame.init[i].range.start; k < frame.init[i].range.end; ++k) {
                ASSERT_EQ(bytes.at(data.file_offset + k - frame.init[i].range.start), image(expected.vaddr + k)) << k;
            }
        }
    }
    EXPECT_EQ(builder.mapping(thread.vspace, 0x404000), std::nullopt);

    // 64 KiB of stack below 0x1f_ffff_e000, a guard page below it, the IPC buffer above a free page.
    const Word top = 0x1f'ffff'e000;
    for (Word page = top - 0x10000; page < top; page += 0x1000) {
        EXPECT_EQ(builder.mapping(thread.vspace, page), id_of(builder, "a_stack_" + elf::hex(page)));
    }
    EXPECT_EQ(builder.mapping(thread.vspace, top - 0x11000), std::nullopt);
    EXPECT_EQ(builder.mapping(thread.vspace, top), std::nullopt);
    EXPECT_EQ(builder.mapping(thread.vspace, 0x1f'ffff'f000), thread.ipc_buffer);

    // The TCB.
    const auto &tcb = builder.get<object::Tcb>(thread.tcb);
    EXPECT_EQ(tcb.slots, (CapTable{{object::tcb_slot::cspace, cap::cnode(thread.cspace, 0, 56)},
                                   {object::tcb_slot::vspace, cap::page_table(thread.vspace)},
                                   {object::tcb_slot::ipc_buffer, cap::frame(thread.ipc_buffer)}}));
    EXPECT_EQ(tcb.extra, (object::TcbExtra{.ipc_buffer_addr = 0x1f'ffff'f000,
                                           .affinity = 0,
                                           .prio = 100,
                                           .max_prio = 100,
                                           .fpu_disabled = false,
                                           .resume = true,
                                           .domain = std::nullopt,
                                           .ip = 0x400100,
                                           .sp = top,
                                           .gprs = {},
                                           .master_fault_ep = std::nullopt}));
    EXPECT_EQ(builder.get<object::CNode>(thread.cspace).size_bits, 8);
    EXPECT_EQ(spec.root_objects, (Range<ObjectId>{0, static_cast<ObjectId>(spec.objects.size())}));
}

INSTANTIATE_TEST_SUITE_P(EachArch, BuilderPaging,
                         ::testing::Values(
                             // aarch64's 40-bit stage-2 VSpace: a root of 1024 entries of 1 GiB, then 2 MiB, then 4 KiB.
                             Paging{&aarch64_pa40,
                                    {{1, {"a_vspace_pt_l1_0x0", "a_vspace_pt_l1_0x1fc0000000"}},
                                     {2, {"a_vspace_pt_l2_0x400000", "a_vspace_pt_l2_0x1fffe00000"}}},
                                    "a_vspace_pt_l2_0x400000"},
                             // Sv39.
                             Paging{&riscv64,
                                    {{1, {"a_vspace_pt_l1_0x0", "a_vspace_pt_l1_0x1fc0000000"}},
                                     {2, {"a_vspace_pt_l2_0x400000", "a_vspace_pt_l2_0x1fffe00000"}}},
                                    "a_vspace_pt_l2_0x400000"},
                             // Four levels: 512 GiB, 1 GiB, 2 MiB, 4 KiB.
                             Paging{&x86_64,
                                    {{1, {"a_vspace_pt_l1_0x0"}},
                                     {2, {"a_vspace_pt_l2_0x0", "a_vspace_pt_l2_0x1fc0000000"}},
                                     {3, {"a_vspace_pt_l3_0x400000", "a_vspace_pt_l3_0x1fffe00000"}}},
                                    "a_vspace_pt_l3_0x400000"}),
                         [](const auto &info) {
                             return info.param.kernel->arch + "_" + std::to_string(info.param.kernel->pt_levels) + "_levels";
                         });

// Two threads from one ELF, an endpoint between them, a frame both map, an IRQ; and a second
// thread in the first one's VSpace and CSpace. The spec reads back from its JSON unchanged.
TEST(Builder, TwoThreadSystemRoundTripsThroughJson) {
    const std::string path = write_elf(program(elf::machine_aarch64), "two-threads");
    Builder builder(aarch64);
    const Thread client = builder.thread_from_elf("client", path, "client.elf", {.gprs = {7, 8}});
    const Thread server = builder.thread_from_elf("server", path, "server.elf", {.cspace_size_bits = 4, .prio = 150});
    const ObjectId ep = builder.endpoint("ep");
    builder.insert(client.cspace, 1, cap::endpoint(ep, 0, Rights{.write = true, .grant_reply = true}));
    builder.insert(server.cspace, 1, cap::endpoint(ep, 0, Rights{.read = true}));
    const ObjectId shared = builder.frame("shared");
    builder.map(client.vspace, 0x1000000, shared);
    builder.map(server.vspace, 0x2000000, shared, read_only);
    const ObjectId notification = builder.notification("serial");
    const ObjectId irq = builder.irq("serial_irq", 33, notification, 2, IrqTrigger::edge);
    builder.insert(server.cspace, 2, builder.irq_handler(irq));
    const Thread worker = builder.thread(
        "client_worker", {.cspace = client.cspace, .vspace = client.vspace, .ipc_buffer_addr = 0x1f'fff0'0000}, 0x400200);

    const Spec spec = builder.finish();
    EXPECT_EQ(read_json(write_json(spec), "built"), spec);
    EXPECT_EQ(builder.mapping(server.vspace, 0x2000000), shared);
    EXPECT_EQ(slot_cap(builder, "server_vspace_pt_l3_0x2000000", 0), cap::frame(shared, read_only));
    EXPECT_EQ(slot_cap(builder, "client_vspace_pt_l3_0x1000000", 0), cap::frame(shared, read_write));
    EXPECT_EQ(builder.get<object::CNode>(server.cspace).size_bits, 4);
    EXPECT_EQ(slot_cap(builder, "server_tcb", object::tcb_slot::cspace), cap::cnode(server.cspace, 0, 60));
    EXPECT_EQ(builder.get<object::Tcb>(client.tcb).extra.gprs, (std::vector<Word>{7, 8}));
    EXPECT_EQ(builder.get<object::Tcb>(server.tcb).extra.prio, 150);
    EXPECT_EQ(builder.get<object::ArmIrq>(irq), (object::ArmIrq{{{0, cap::notification(notification, 2)}}, 1, 0}));
    EXPECT_EQ(spec.irqs, (std::vector<IrqEntry>{{33, irq}}));
    EXPECT_EQ(slot_cap(builder, "server_cspace", 2), (Cap{.kind = CapKind::ArmIrqHandler, .object = irq}));

    EXPECT_EQ(worker.cspace, client.cspace);
    EXPECT_EQ(worker.vspace, client.vspace);
    EXPECT_EQ(builder.get<object::Tcb>(worker.tcb).extra.sp, 0x1f'ffef'f000u);
    EXPECT_EQ(builder.mapping(client.vspace, 0x1f'ffef'e000), id_of(builder, "client_worker_stack_0x1fffefe000"));
    EXPECT_EQ(builder.mapping(client.vspace, 0x1f'fff0'0000), worker.ipc_buffer);
}

// On an MCS kernel a thread runs on a scheduling context, in its TCB's slot 6.
TEST(Builder, SchedulingContextsOnMcs) {
    const KernelConfig mcs{.arch = "aarch64", .mcs = true, .hypervisor = true};
    Builder builder(mcs);
    const Thread thread = builder.thread("t", {}, 0x400000);
    const ObjectId sc = builder.sched_context("t_sc", 1000, 500);
    builder.insert(thread.tcb, object::tcb_slot::sched_context, cap::sched_context(sc));
    builder.insert(thread.cspace, 1, cap::reply(builder.reply("t_reply")));
    EXPECT_EQ(builder.get<object::SchedContext>(sc), (object::SchedContext{8, 1000, 500, 0}));
    EXPECT_EQ(builder.finish().objects.size(), builder.spec().objects.size());
    Builder non_mcs(aarch64);
    non_mcs.sched_context("sc", 1000, 500);
    EXPECT_EQ(
        error_of([&] { non_mcs.finish(); }),
        "the spec has 1 problem:\n  object 0 'sc': a SchedContext object, which only MCS kernels have (KERNEL_MCS is off)");
}

TEST(Builder, IrqObjectsOfEachArch) {
    for (const KernelConfig *kernel : {&aarch64, &riscv64, &x86_64}) {
        Builder builder(*kernel);
        const ObjectId notification = builder.notification("n");
        const ObjectId irq = builder.irq("irq", 10, notification);
        const std::size_t kind = builder.spec().objects[irq].object.index();
        const CapKind handler = builder.irq_handler(irq).kind;
        if (kernel->arch == "aarch64") {
            EXPECT_EQ(kind, kind_index<object::ArmIrq>);
            EXPECT_EQ(handler, CapKind::ArmIrqHandler);
        } else if (kernel->arch == "riscv64") {
            EXPECT_EQ(kind, kind_index<object::RiscvIrq>);
            EXPECT_EQ(handler, CapKind::RiscvIrqHandler);
        } else {
            EXPECT_EQ(kind, kind_index<object::IrqIOApic>);
            EXPECT_EQ(handler, CapKind::IrqIOApicHandler);
            const auto &ioapic = builder.get<object::IrqIOApic>(irq);
            EXPECT_EQ(std::tuple(ioapic.ioapic, ioapic.pin, ioapic.level, ioapic.polarity), std::tuple(0, 10, 1, 0));
            const ObjectId edge = builder.irq("edge", 11, notification, 0, IrqTrigger::edge);
            EXPECT_EQ(builder.get<object::IrqIOApic>(edge).level, 0u);
        }
        EXPECT_EQ(error_of([&] { builder.irq("again", 10, notification); }), "IRQ 10 has a handler already, object 1 'irq'");
        EXPECT_EQ(error_of([&] { builder.irq_handler(notification); }), "object 0 'n' is not an IRQ object");
    }
}

TEST(Builder, MappingErrors) {
    const std::string path = write_elf(program(elf::machine_aarch64), "mapping-errors");
    Builder builder(aarch64_pa40);
    const Thread a = builder.thread_from_elf("a", path, "a.elf");
    const ObjectId page = builder.frame("page");
    const ObjectId big = builder.frame("big", 21);
    auto map = [&](Word vaddr, ObjectId frame) { return error_of([&] { builder.map(a.vspace, vaddr, frame); }); };
    const std::string page_at = "map object " + std::to_string(page) + " 'page' at ";
    const std::string big_at = "map object " + std::to_string(big) + " 'big' at ";
    const std::string in = " in object " + std::to_string(a.vspace) + " 'a_vspace': ";
    EXPECT_EQ(map(0x401000, page), page_at + "0x401000" + in + "0x401000 is mapped already, to object " +
                                       std::to_string(id_of(builder, "a_elf_0x401000")) + " 'a_elf_0x401000'");
    EXPECT_EQ(map(0x400000, big),
              big_at + "0x400000" + in + "0x400000 is mapped already, to smaller frames through object " +
                  std::to_string(id_of(builder, "a_vspace_pt_l2_0x400000")) + " 'a_vspace_pt_l2_0x400000'");
    EXPECT_EQ(map(0x600000, big), "(no error)");
    EXPECT_EQ(map(0x7ff000, page), page_at + "0x7ff000" + in + "0x7ff000 is mapped already, within object " +
                                       std::to_string(big) + " 'big' at 0x600000");
    EXPECT_EQ(map(0x800800, page), page_at + "0x800800" + in + "the address is not aligned to the frame's 2^12 bytes");
    EXPECT_EQ(map(0x100'0000'0000, page), page_at + "0x10000000000" + in + "the address is outside the VSpace's 2^40 bytes");
    EXPECT_EQ(map(0x1f'fffe'd000, page),
              page_at + "0x1ffffed000" + in + "0x1ffffed000 is the guard page below thread 'a''s stack");
    const ObjectId huge = builder.frame("huge", 30);
    EXPECT_EQ(error_of([&] { builder.map(a.vspace, 0xff'c000'0000, huge); }), "(no error)"); // the root's last entry
    EXPECT_EQ(slot_cap(builder, "a_vspace", 1023), cap::frame(huge));
    EXPECT_EQ(error_of([&] { builder.map(a.tcb, 0, page); }),
              "object " + std::to_string(a.tcb) + " 'a_tcb' is a Tcb, not a PageTable");
    EXPECT_EQ(error_of([&] { builder.map(id_of(builder, "a_vspace_pt_l1_0x0"), 0, page); }),
              "object " + std::to_string(id_of(builder, "a_vspace_pt_l1_0x0")) +
                  " 'a_vspace_pt_l1_0x0' is not a VSpace root");
    Builder x86(x86_64); // without HUGE_PAGE
    const ObjectId vspace = x86.vspace("vspace");
    const ObjectId gib = x86.frame("gib", 30);
    EXPECT_EQ(error_of([&] { x86.map(vspace, 0, gib); }),
              "map object 1 'gib' at 0x0 in object 0 'vspace': x86_64 maps no frames of 2^30 bytes");
}

TEST(Builder, ThreadErrors) {
    const std::string path = write_elf(program(elf::machine_riscv), "riscv");
    Builder builder(aarch64);
    EXPECT_EQ(error_of([&] { builder.thread_from_elf("a", path, "a.elf"); }),
              "thread 'a': " + path + " is an ELF file for riscv, not aarch64");
    EXPECT_EQ(error_of([&] { builder.thread_from_elf("b", path + ".none", "b.elf"); }),
              "thread 'b': " + path + ".none: cannot open: No such file or directory");
    EXPECT_EQ(error_of([&] { builder.thread("c", {.stack_size = 0x1800}, 0); }),
              "thread 'c': stack size 0x1800 is not a multiple of 4 KiB");
    EXPECT_EQ(error_of([&] { builder.thread("d", {.ipc_buffer_addr = 0x20000, .stack_size = 0x20000}, 0); }),
              "thread 'd': a stack of 0x20000 bytes and its guard page do not fit below 0x1f000");
    const ObjectId vspace = builder.vspace("shared_vspace");
    builder.map(vspace, 0x1f'fffe'd000, builder.frame("there"));
    EXPECT_EQ(error_of([&] { builder.thread("e", {.vspace = vspace}, 0); }),
              "object " + std::to_string(vspace) +
                  " 'shared_vspace': 0x1ffffed000, the guard page below thread 'e''s stack, is mapped already, to object " +
                  std::to_string(id_of(builder, "there")) + " 'there'");
}

TEST(Builder, InsertErrors) {
    Builder builder(aarch64);
    const ObjectId ep = builder.endpoint("ep");
    const ObjectId n = builder.notification("n");
    const ObjectId cnode = builder.cnode("cnode", 4);
    const ObjectId vspace = builder.vspace("vspace");
    builder.insert(cnode, 1, cap::endpoint(ep));
    EXPECT_EQ(error_of([&] { builder.insert(cnode, 1, cap::notification(n)); }),
              "object 2 'cnode': slot 1 holds a Endpoint cap to object 0 'ep' already");
    EXPECT_EQ(error_of([&] { builder.insert(cnode, 16, cap::endpoint(ep)); }),
              "object 2 'cnode': slot 16 is outside its 2^4 slots");
    EXPECT_EQ(error_of([&] { builder.insert(cnode, 2, cap::endpoint(n)); }),
              "object 2 'cnode': slot 2: a Endpoint cap to object 1 'n', which is a Notification");
    EXPECT_EQ(error_of([&] { builder.insert(cnode, 2, cap::endpoint(9)); }),
              "object 2 'cnode': slot 2: a Endpoint cap to object 9, which does not exist");
    EXPECT_EQ(error_of([&] { builder.insert(vspace, 0, cap::endpoint(ep)); }),
              "object 3 'vspace': slot 0: a PageTable has no slots for insert (map frames with map)");
    EXPECT_EQ(error_of([&] { builder.insert(ep, 0, cap::endpoint(ep)); }),
              "object 0 'ep': slot 0: a Endpoint has no slots for insert");
    EXPECT_EQ(error_of([&] { builder.endpoint("ep"); }), "two objects named 'ep'");
    const ObjectId frame = builder.frame("frame");
    builder.fill(frame, {{16, 32}, object::FileData{"f", 0}});
    EXPECT_EQ(error_of([&] {
                  builder.fill(frame, {{0, 17}, object::FileData{"f", 0}});
              }),
              "object 4 'frame': fill [0, 17) overlaps fill [16, 32)");
    EXPECT_EQ(error_of([&] {
                  builder.fill(frame, {{4000, 4097}, object::FileData{"f", 0}});
              }),
              "object 4 'frame': fill [4000, 4097) is not within the frame's 4096 bytes");
    builder.fill(frame, {{0, 16}, object::FileData{"f", 100}});
    EXPECT_EQ(builder.get<object::Frame>(frame).init.front().range, (Range<std::uint64_t>{0, 16}));
}

TEST(Builder, UntypedCovers) {
    Builder builder(aarch64);
    const ObjectId memory = builder.untyped("memory", 16, 0x4000'0000);
    const ObjectId small = builder.untyped("small", 12);
    builder.begin_cover(memory);
    const ObjectId ep = builder.endpoint("child_ep");
    builder.frame("child_frame", 12);
    EXPECT_EQ(error_of([&] { builder.begin_cover(small); }),
              "begin_cover of object 1 'small': the cover of object 0 'memory' is open");
    EXPECT_EQ(error_of([] { Builder(aarch64).end_cover(); }), "end_cover without begin_cover");
    EXPECT_EQ(error_of([&] { builder.finish(); }), "the untyped cover of object 0 'memory' is open (end_cover)");
    builder.end_cover();
    EXPECT_EQ(error_of([&] { builder.endpoint("late"); }),
              "'late' would be a root object after the untyped covers' children (make the root objects before begin_cover)");
    builder.begin_cover(small);
    builder.cnode("child_cnode", 8); // 2^13 bytes in 2^12
    builder.end_cover();
    EXPECT_EQ(builder.spec().root_objects, (Range<ObjectId>{0, 2}));
    EXPECT_EQ(builder.spec().untyped_covers, (std::vector<UntypedCover>{{memory, {ep, ep + 2}}, {small, {ep + 2, ep + 3}}}));
    EXPECT_EQ(
        error_of([&] { builder.finish(); }),
        "the spec has 1 problem:\n  object 1 'small': untyped cover: its children need 8192 bytes, more than its 2^12");
}
