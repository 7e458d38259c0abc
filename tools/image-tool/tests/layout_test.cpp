// The payload layout and the boot page tables, on synthetic inputs shaped
// like the real ones (addresses of seL4 16.0.0 on QEMU's virt machines).
#include "../layout.hpp"
#include "../paging.hpp"
#include "fdt_builder.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace image_tool;
using kernel_loader::Header;
using kernel_loader::Region;

namespace {

elf::File make(const std::string &name, std::uint16_t machine, std::uint64_t entry,
               std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t>> segments) {
    elf::File f;
    f.name = name;
    f.machine = machine;
    f.entry = entry;
    std::uint8_t fill = 1;
    for (auto [vaddr, paddr, file_size, memory_size] : segments)
        f.segments.push_back({vaddr, paddr, memory_size, 7, std::vector<std::uint8_t>(file_size, fill++)});
    return f;
}

struct World {
    const char *name;
    std::uint16_t machine;
    std::string arch;
    bool hypervisor;
    std::uint64_t kernel_virtual, kernel_physical, loader, memory_base, memory_size;
};

const World worlds[] = {
    {"aarch64", elf::machine_aarch64, "aarch64", true, 0x8060000000, 0x60000000, 0x50000000, 0x40000000, 0x80000000},
    {"aarch64-el1", elf::machine_aarch64, "aarch64", false, 0xffffff8040000000, 0x40000000, 0x50000000, 0x40000000,
     0x80000000},
    {"riscv64", elf::machine_riscv, "riscv64", false, 0xffffffff80200000, 0x80200000, 0x90000000, 0x80000000,
     0x80000000},
};

Inputs inputs_for(const World &w) {
    Inputs in{
        make("loader.elf", w.machine, w.loader, {{w.loader, w.loader, 0x3000, 0x5000}}),
        make("kernel.elf", w.machine, w.kernel_virtual, {{w.kernel_virtual, w.kernel_physical, 0x30000, 0x47000}}),
        make("root-task.elf", w.machine, 0x401000,
             {{0x400000, 0x400000, 0x2345, 0x2345}, {0x404010, 0x404010, 0x100, 0x9000}}),
        test_fdt::with_memory(w.memory_base, w.memory_size),
        "virt.dtb",
        KernelConfig{w.arch, w.hypervisor, 44, 1},
    };
    in.loader.symbols.emplace_back("__payload_start", w.loader + 0x5000);
    return in;
}

std::optional<std::uint64_t> translate(const Plan &p, const World &w, std::uint64_t va) {
    // Rebuild a PageTables view from the serialized payload: what the loader will use.
    PageTables t{p.header.mode == kernel_loader::TranslationMode::riscv64_sv39 ? (p.header.table_root << 12) & ((1ull << 56) - 1)
                                                                           : p.header.table_root,
                 {}, 0};
    std::uint64_t tables_offset = t.base - p.payload_address;
    std::uint64_t first_data = ~0ull;
    for (std::uint32_t i = 0; i < p.header.region_count; ++i) {
        Region r;
        std::memcpy(&r, p.payload.data() + sizeof(Header) + i * sizeof(Region), sizeof r);
        if (r.data_size) first_data = std::min(first_data, r.data_offset);
    }
    for (std::uint64_t off = tables_offset; off < first_data; off += 4096) {
        Table table;
        std::memcpy(table.data(), p.payload.data() + off, 4096);
        t.tables.push_back(table);
    }
    t.root = t.base;
    t.root_high = p.header.table_root_high;
    if (w.arch == "aarch64") return aarch64::translate(t, w.hypervisor, va);
    return riscv64::translate(t, va);
}

void PrintTo(const World &w, std::ostream *os) { *os << w.name; }

}  // namespace

class Layout : public ::testing::TestWithParam<World> {};

TEST_P(Layout, KernelWindowAndIdentityResolve) {
    const World &w = GetParam();
    Inputs in = inputs_for(w);
    Plan p = plan(in);
    // Every page of the kernel resolves to its physical page.
    const auto &ks = in.kernel.segments[0];
    for (std::uint64_t off = 0; off < ks.memory_size; off += 4096)
        EXPECT_EQ(translate(p, w, ks.virtual_address + off), ks.physical_address + off) << std::hex << off;
    // So do the root task's image and the DTB, through the kernel's window.
    const auto &a = p.header.kernel_arguments;
    std::uint64_t offset = ks.virtual_address - ks.physical_address;
    for (std::uint64_t pa = a.dtb_start; pa < a.user_image_end; pa += 4096)
        EXPECT_EQ(translate(p, w, pa + offset), pa);
    // The loader and its payload are identity-mapped, so it runs on across the switch.
    for (std::uint64_t pa = w.loader; pa < p.payload_address + p.payload.size(); pa += 4096)
        EXPECT_EQ(translate(p, w, pa), pa);
    // Nothing else is mapped near them.
    EXPECT_FALSE(translate(p, w, 0x1000));
}

TEST_P(Layout, HeaderAndRegions) {
    const World &w = GetParam();
    Inputs in = inputs_for(w);
    Plan p = plan(in);
    Header h;
    std::memcpy(&h, p.payload.data(), sizeof h);
    EXPECT_EQ(h.magic, kernel_loader::payload_magic);
    EXPECT_EQ(h.kernel_entry, w.kernel_virtual);
    const auto &a = h.kernel_arguments;
    // DTB right after the kernel (0x47000 bytes), then the root task, page-aligned;
    // its image spans [0x400000, 0x40e000).
    EXPECT_EQ(a.dtb_start, w.kernel_physical + 0x47000);
    EXPECT_EQ(a.user_image_start, (a.dtb_start + a.dtb_size + 0xfff) & ~0xfffull);
    EXPECT_EQ(a.user_image_end - a.user_image_start, 0xe000u);
    EXPECT_EQ(a.user_image_start - a.pv_offset, 0x400000u);  // virtual = physical - pv_offset
    EXPECT_EQ(a.user_entry, 0x401000u);
    EXPECT_EQ(a.dtb_size, in.dtb.size());
    ASSERT_EQ(h.region_count, 5u);  // kernel, zeroed user image, two root task segments, DTB
    Region r[5];
    std::memcpy(r, p.payload.data() + sizeof h, sizeof r);
    EXPECT_EQ(r[0].destination, w.kernel_physical);
    EXPECT_EQ(r[0].memory_size, 0x47000u);
    EXPECT_EQ(r[1].data_size, 0u);
    EXPECT_EQ(r[3].destination, a.user_image_start + 0x4010);
    EXPECT_EQ(r[3].memory_size, 0x9000u);
    // Region data is where the region table says.
    EXPECT_EQ(p.payload[r[3].data_offset], in.root_task.segments[1].data[0]);
    EXPECT_EQ(std::memcmp(p.payload.data() + r[4].data_offset, in.dtb.data(), in.dtb.size()), 0);
    // The image is the loader plus one payload segment at __payload_start.
    ASSERT_EQ(p.image.segments.size(), 2u);
    EXPECT_EQ(p.image.segments[1].physical_address, w.loader + 0x5000);
    EXPECT_EQ(p.image.entry, w.loader);
}

INSTANTIATE_TEST_SUITE_P(Worlds, Layout, ::testing::ValuesIn(worlds),
                         [](const auto &info) { std::string n = info.param.name; std::replace(n.begin(), n.end(), '-', '_'); return n; });

TEST(Layout, Aarch64RegisterValues) {
    // TCR_EL2 exactly as seL4's checkTCR_EL2 expects with 44-bit physical addresses.
    EXPECT_EQ(aarch64::tcr(true, 44), 0x80843510u);
    EXPECT_EQ(aarch64::mair(), 0xbbff440c0400u);
    EXPECT_THROW(aarch64::tcr(true, 39), LayoutError);
}

TEST(Layout, RejectsWrongArchitecture) {
    Inputs in = inputs_for(worlds[0]);
    in.root_task.machine = elf::machine_riscv;
    try {
        plan(in);
        FAIL();
    } catch (const LayoutError &e) {
        EXPECT_NE(std::string(e.what()).find("root-task.elf: built for riscv, but the kernel is configured for aarch64"),
                  std::string::npos) << e.what();
    }
}

TEST(Layout, RejectsOverlap) {
    Inputs in = inputs_for(worlds[0]);
    // A loader linked where the root task's image goes.
    in.loader = make("loader.elf", elf::machine_aarch64, 0x60050000, {{0x60050000, 0x60050000, 0x1000, 0x1000}});
    in.loader.symbols.emplace_back("__payload_start", 0x60051000);
    try {
        plan(in);
        FAIL();
    } catch (const LayoutError &e) {
        EXPECT_NE(std::string(e.what()).find("overlapping physical ranges"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("loader.elf"), std::string::npos);
    }
}

TEST(Layout, RejectsNotEnoughMemory) {
    Inputs in = inputs_for(worlds[2]);
    in.root_task.segments[1].memory_size = 0x80000000;  // 2 GiB of bss,
    in.config.root_cnode_size_bits = 20;                // with a root CNode that holds its frames
    try {
        plan(in);
        FAIL();
    } catch (const LayoutError &e) {
        EXPECT_NE(std::string(e.what()).find("not enough memory"), std::string::npos) << e.what();
    }
}

TEST(Layout, RejectsLoaderWithoutPayloadSymbol) {
    Inputs in = inputs_for(worlds[0]);
    in.loader.symbols.clear();
    EXPECT_THROW(plan(in), LayoutError);
}

namespace {

Inputs smp_inputs(const World &w, unsigned nodes, unsigned cpus, const std::string &psci_method = "smc") {
    Inputs in = inputs_for(w);
    in.config.num_nodes = nodes;
    in.dtb = test_fdt::virt(w.arch == "aarch64", cpus, w.memory_base, w.memory_size, psci_method);
    return in;
}

std::vector<std::uint64_t> cpu_table(const Plan &p) {
    Header h;
    std::memcpy(&h, p.payload.data(), sizeof h);
    std::vector<std::uint64_t> ids(h.cpu_count);
    std::memcpy(ids.data(), p.payload.data() + sizeof h + h.region_count * sizeof(Region), ids.size() * sizeof(std::uint64_t));
    return ids;
}

std::string plan_error(const Inputs &in) {
    try {
        plan(in);
    } catch (const LayoutError &e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(LayoutSmp, Aarch64RecordsCpusAndPsciMethod) {
    for (const World &w : {worlds[0], worlds[1]}) {
        for (const char *method : {"smc", "hvc"}) {
            Plan p = plan(smp_inputs(w, 2, 4, method));
            EXPECT_EQ(p.header.num_nodes, 2u);
            EXPECT_EQ(p.header.cpu_count, 4u);
            EXPECT_EQ(p.header.psci_method,
                      std::string(method) == "smc" ? kernel_loader::PsciMethod::smc : kernel_loader::PsciMethod::hvc);
            EXPECT_EQ(p.header.timer_frequency, 0u);
            EXPECT_EQ(cpu_table(p), (std::vector<std::uint64_t>{0, 1, 2, 3}));
            // The CPU table fits before the page tables, which are still where the header says.
            EXPECT_EQ((p.header.table_root - p.payload_address) % 4096, 0u);
            EXPECT_GE(p.header.table_root - p.payload_address,
                      sizeof(Header) + p.header.region_count * sizeof(Region) + 4 * sizeof(std::uint64_t));
            EXPECT_EQ(translate(p, w, w.kernel_virtual), w.kernel_physical);
        }
    }
}

TEST(LayoutSmp, Riscv64RecordsHartsAndTimebase) {
    Plan p = plan(smp_inputs(worlds[2], 2, 2));
    EXPECT_EQ(p.header.num_nodes, 2u);
    EXPECT_EQ(p.header.psci_method, kernel_loader::PsciMethod::none);
    EXPECT_EQ(p.header.timer_frequency, 10000000u);
    EXPECT_EQ(cpu_table(p), (std::vector<std::uint64_t>{0, 1}));
    EXPECT_EQ(translate(p, worlds[2], worlds[2].kernel_virtual), worlds[2].kernel_physical);
}

TEST(LayoutSmp, SingleNodeNeedsNothingOfTheCpus) {
    // The synthetic trees of the other tests have no CPUs at all.
    Plan p = plan(inputs_for(worlds[0]));
    EXPECT_EQ(p.header.cpu_count, 0u);
    EXPECT_EQ(p.header.version, kernel_loader::payload_version);
    // A single-node kernel on a machine without PSCI is fine too.
    EXPECT_EQ(plan(smp_inputs(worlds[0], 1, 2, "")).header.psci_method, kernel_loader::PsciMethod::none);
}

TEST(LayoutSmp, RejectsTooFewCpus) {
    auto error = plan_error(smp_inputs(worlds[0], 2, 1));
    EXPECT_NE(error.find("virt.dtb: the kernel has MAX_NUM_NODES = 2, but the device tree lists 1 usable CPU(s) (QEMU: -smp 2)"),
              std::string::npos) << error;
    error = plan_error(smp_inputs(worlds[2], 4, 2));
    EXPECT_NE(error.find("MAX_NUM_NODES = 4, but the device tree lists 2"), std::string::npos) << error;
}

TEST(LayoutSmp, Aarch64RejectsMissingPsciAndOtherEnableMethods) {
    auto error = plan_error(smp_inputs(worlds[0], 2, 2, ""));
    EXPECT_NE(error.find("/psci method is absent"), std::string::npos) << error;
    error = plan_error(smp_inputs(worlds[0], 2, 2, "firmware"));
    EXPECT_NE(error.find("/psci method is 'firmware'"), std::string::npos) << error;

    Inputs in = inputs_for(worlds[0]);
    in.config.num_nodes = 2;
    test_fdt::Builder b;
    b.begin_node("");
    b.property("#address-cells", {2});
    b.property("#size-cells", {2});
    b.begin_node("psci");
    b.string_property("method", "smc");
    b.end_node();
    b.begin_node("memory@40000000");
    b.property("reg", {0, 0x40000000, 0, 0x80000000});
    b.end_node();
    b.begin_node("cpus");
    b.property("#address-cells", {1});
    test_fdt::cpu(b, 0, "psci");
    test_fdt::cpu(b, 1, "spin-table");
    b.end_node();
    b.end_node();
    in.dtb = b.finish();
    error = plan_error(in);
    EXPECT_NE(error.find("CPU 0x1 has enable-method 'spin-table', not 'psci'"), std::string::npos) << error;
}

TEST(LayoutSmp, Riscv64RejectsMissingTimebase) {
    Inputs in = inputs_for(worlds[2]);
    in.config.num_nodes = 2;
    test_fdt::Builder b;
    b.begin_node("");
    b.property("#address-cells", {2});
    b.property("#size-cells", {2});
    b.begin_node("memory@80000000");
    b.property("reg", {0, 0x80000000, 0, 0x80000000});
    b.end_node();
    b.begin_node("cpus");
    b.property("#address-cells", {1});
    test_fdt::cpu(b, 0, "");
    test_fdt::cpu(b, 1, "");
    b.end_node();
    b.end_node();
    in.dtb = b.finish();
    auto error = plan_error(in);
    EXPECT_NE(error.find("/cpus has no timebase-frequency"), std::string::npos) << error;
}
