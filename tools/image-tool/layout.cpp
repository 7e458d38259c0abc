#include "layout.hpp"

#include "paging.hpp"

#include <algorithm>
#include <cstring>

namespace image_tool {

namespace {

// The 1 GiB blocks that cover [start, end), mapped at virtual = physical + offset.
void cover(std::vector<Mapping> &out, std::uint64_t start, std::uint64_t end, std::uint64_t offset) {
    for (std::uint64_t p = align_down(start, gib); p < end; p += gib) {
        Mapping m{p + offset, p};
        bool present = std::any_of(out.begin(), out.end(), [&](const Mapping &o) {
            return o.virtual_address == m.virtual_address && o.physical_address == m.physical_address;
        });
        if (!present) out.push_back(m);
    }
}

}  // namespace

Plan plan(const Inputs &in) {
    using namespace kernel_loader;
    if (in.config.sel4_arch == "x86_64")
        throw LayoutError(in.kernel.name + ": an x86_64 kernel boots by multiboot, not through the kernel loader");
    check_machines(in.config, {&in.loader, &in.kernel, &in.root_task});

    Plan p{};
    // The kernel runs where its physical addresses say, seen through a constant offset.
    const Range kernel = extent(in.kernel, true);
    const std::uint64_t kernel_offset = in.kernel.segments[0].virtual_address - in.kernel.segments[0].physical_address;
    for (const auto &s : in.kernel.segments)
        if (s.virtual_address - s.physical_address != kernel_offset)
            throw LayoutError(in.kernel.name + ": segments do not share one virtual-to-physical offset");
    if (in.kernel.entry < kernel.start + kernel_offset || in.kernel.entry >= kernel.end + kernel_offset)
        throw LayoutError(in.kernel.name + ": entry point " + hex(in.kernel.entry) + " is outside its segments");

    // The DTB follows the kernel, and the root task's image the DTB: seL4
    // reserves kernel, DTB and user image in that order and wants them ascending.
    if (in.dtb.empty()) throw LayoutError(in.dtb_name + ": empty device tree");
    auto memory = fdt_memory(in.dtb, in.dtb_name);
    const CpuInfo cpus = fdt_cpus(in.dtb, in.dtb_name);
    const bool is_aarch64 = in.config.sel4_arch == "aarch64";
    PsciMethod psci = PsciMethod::none;
    if (cpus.psci_method == "smc") psci = PsciMethod::smc;
    else if (cpus.psci_method == "hvc") psci = PsciMethod::hvc;
    // What starting the secondary cores needs (the loader checks what only it can know: its own CPU).
    if (in.config.num_nodes > 1) {
        const std::string nodes = "the kernel has MAX_NUM_NODES = " + std::to_string(in.config.num_nodes);
        if (cpus.cpus.size() < in.config.num_nodes)
            throw LayoutError(in.dtb_name + ": " + nodes + ", but the device tree lists " + std::to_string(cpus.cpus.size()) +
                              " usable CPU(s) (QEMU: -smp " + std::to_string(in.config.num_nodes) + ")");
        if (is_aarch64) {
            if (psci == PsciMethod::none)
                throw LayoutError(in.dtb_name + ": " + nodes + ", but the device tree's /psci method is " +
                                  (cpus.psci_method.empty() ? std::string("absent") : "'" + cpus.psci_method + "'") +
                                  ": the loader starts cores with PSCI CPU_ON over smc or hvc");
            for (const Cpu &cpu : cpus.cpus)
                if (cpu.enable_method != "psci")
                    throw LayoutError(in.dtb_name + ": " + nodes + ", but CPU " + hex(cpu.id) + " has enable-method '" +
                                      cpu.enable_method + "', not 'psci'");
        } else if (cpus.timebase_frequency == 0) {
            throw LayoutError(in.dtb_name + ": " + nodes + ", but /cpus has no timebase-frequency");
        }
    }
    const std::uint64_t dtb_start = align_up(kernel.end, page);
    const std::uint64_t dtb_end = dtb_start + in.dtb.size();

    // The root task's image is one page-aligned block.
    const Range user_virtual = user_image(in.root_task);
    p.root_cnode = check_root_cnode(in.config, in.root_task.name, user_virtual, in.dtb.size());
    const std::uint64_t user_start = align_up(dtb_end, page);
    const std::uint64_t user_end = user_start + (user_virtual.end - user_virtual.start);
    const std::uint64_t pv_offset = user_start - user_virtual.start;  // wraps as two's complement, as seL4 expects

    // The loader's own image, and the payload right behind it.
    const Range loader = extent(in.loader, true);
    auto payload_symbol = in.loader.symbol("__payload_start");
    if (!payload_symbol) throw LayoutError(in.loader.name + ": no __payload_start symbol: not a cpp-sel4 kernel loader");
    p.payload_address = *payload_symbol;
    if (p.payload_address % page != 0 || p.payload_address < loader.end)
        throw LayoutError(in.loader.name + ": __payload_start " + hex(p.payload_address) + " is not a page past the image");

    // Payload: header, region table, page tables, then region data.
    std::vector<Region> regions;
    std::vector<const std::vector<std::uint8_t> *> region_data;
    auto add_region = [&](std::uint64_t destination, const std::vector<std::uint8_t> *data, std::uint64_t memory_size) {
        regions.push_back(Region{destination, 0, data ? data->size() : 0, memory_size});
        region_data.push_back(data);
    };
    for (const auto &s : in.kernel.segments) add_region(s.physical_address, &s.data, s.memory_size);
    add_region(user_start, nullptr, user_end - user_start);  // gaps between segments read as zero
    for (const auto &s : in.root_task.segments) add_region(s.virtual_address + pv_offset, &s.data, s.memory_size);
    add_region(dtb_start, &in.dtb, in.dtb.size());

    const std::uint64_t cpus_offset = sizeof(Header) + regions.size() * sizeof(Region);
    const std::uint64_t tables_offset = align_up(cpus_offset + cpus.cpus.size() * sizeof(std::uint64_t), page);
    const std::uint64_t tables_address = p.payload_address + tables_offset;

    // Identity: the loader runs on across the switch to its tables. Window:
    // what the kernel reaches before it runs on its own tables.
    std::vector<Mapping> identity, window;
    const bool el2 = in.config.hypervisor;
    PageTables tables;
    // The payload's end depends on the tables' size, which depends only on
    // the mappings; the identity cover is recomputed once it is known.
    for (int pass = 0; pass < 2; ++pass) {
        std::uint64_t data_offset = tables_offset + tables.tables.size() * page;
        std::uint64_t payload_end = p.payload_address + data_offset;
        for (const auto *d : region_data) payload_end = align_up(payload_end + (d ? d->size() : 0), 8);
        identity.clear();
        window.clear();
        cover(identity, loader.start, payload_end, 0);
        cover(window, kernel.start, user_end, kernel_offset);
        if (is_aarch64) tables = aarch64::build(el2, identity, window, tables_address);
        else tables = riscv64::build(identity, window, tables_address);
    }

    Header &h = p.header;
    h.magic = payload_magic;
    h.version = payload_version;
    h.region_count = static_cast<std::uint32_t>(regions.size());
    h.num_nodes = in.config.num_nodes;
    h.kernel_entry = in.kernel.entry;
    h.kernel_arguments = KernelArguments{user_start, user_end, pv_offset, in.root_task.entry, dtb_start, in.dtb.size()};
    h.cpu_count = static_cast<std::uint32_t>(cpus.cpus.size());
    if (is_aarch64) {
        h.psci_method = psci;
        h.mode = el2 ? TranslationMode::aarch64_el2 : TranslationMode::aarch64_el1;
        h.table_root = tables.root;
        h.table_root_high = tables.root_high;
        h.tcr = aarch64::tcr(el2, in.config.physical_address_bits);
        h.mair = aarch64::mair();
    } else {
        h.mode = TranslationMode::riscv64_sv39;
        h.table_root = riscv64::satp(tables);
        h.timer_frequency = cpus.timebase_frequency;
    }

    // Serialize.
    std::vector<std::uint8_t> &out = p.payload;
    out.assign(tables_offset + tables.tables.size() * page, 0);
    for (std::size_t i = 0; i < regions.size(); ++i) {
        regions[i].data_offset = out.size();
        if (region_data[i]) out.insert(out.end(), region_data[i]->begin(), region_data[i]->end());
        out.resize(align_up(out.size(), 8));
    }
    std::memcpy(out.data(), &h, sizeof h);
    std::memcpy(out.data() + sizeof h, regions.data(), regions.size() * sizeof(Region));
    for (std::size_t i = 0; i < cpus.cpus.size(); ++i)
        std::memcpy(out.data() + cpus_offset + i * sizeof(std::uint64_t), &cpus.cpus[i].id, sizeof(std::uint64_t));
    for (std::size_t i = 0; i < tables.tables.size(); ++i)
        std::memcpy(out.data() + tables_offset + i * page, tables.tables[i].data(), page);
    const std::uint64_t payload_end = p.payload_address + out.size();

    // Nothing may overlap, and everything must lie in memory.
    p.placements = {
        {"the kernel loader and its payload (" + in.loader.name + ")", loader.start, payload_end},
        {"the kernel (" + in.kernel.name + ")", kernel.start, kernel.end},
        {"the device tree (" + in.dtb_name + ")", dtb_start, dtb_end},
        {"the root task's image (" + in.root_task.name + ")", user_start, user_end},
    };
    for (const auto &a : p.placements) {
        bool inside = std::any_of(memory.begin(), memory.end(), [&](const Range &m) { return a.start >= m.start && a.end <= m.end; });
        if (!inside) {
            std::string ranges;
            for (const auto &m : memory) ranges += " [" + hex(m.start) + ", " + hex(m.end) + ")";
            throw LayoutError("not enough memory: " + a.what + " needs [" + hex(a.start) + ", " + hex(a.end) +
                              "), which is not inside the memory of " + in.dtb_name + ":" + ranges);
        }
    }
    for (std::size_t i = 0; i < p.placements.size(); ++i) {
        for (std::size_t j = i + 1; j < p.placements.size(); ++j) {
            const auto &a = p.placements[i], &b = p.placements[j];
            if (a.start < b.end && b.start < a.end)
                throw LayoutError("overlapping physical ranges: " + a.what + " at [" + hex(a.start) + ", " + hex(a.end) +
                                  ") and " + b.what + " at [" + hex(b.start) + ", " + hex(b.end) + ")");
        }
    }

    p.image = in.loader;
    p.image.symbols.clear();
    p.image.segments.push_back(elf::Segment{p.payload_address, p.payload_address, out.size(), 4 /* PF_R */, out});
    return p;
}

}  // namespace image_tool
