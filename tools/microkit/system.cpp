#include "system.hpp"

#include "elf_file.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

namespace sel4::microkit {
namespace {

namespace fs = std::filesystem;
using capdl::Builder;
using capdl::ObjectId;
namespace cap = capdl::cap;

constexpr Word page = 0x1000;
constexpr std::size_t max_pds = sdf::max_pds;

// A program image, patched in a copy: the values are written into its segments' bytes (a
// symbol in .bss lengthens its segment's file data to reach it).
class PatchedElf {
public:
    PatchedElf(const std::string &pd, const std::string &path, const std::optional<std::string> &symbols_path,
               const std::string &arch)
        : pd_(pd), path_(path) {
        try {
            file_ = elf::read(path);
            symbols_ = symbols_path ? elf::read(*symbols_path) : file_;
        } catch (const elf::Error &error) {
            throw BuildError("PD '" + pd + "': " + error.what());
        }
        const std::uint16_t machine = arch == "aarch64"   ? elf::machine_aarch64
                                      : arch == "riscv64" ? elf::machine_riscv
                                                          : elf::machine_x86_64;
        if (file_.machine != machine) {
            throw BuildError("PD '" + pd + "': " + path + " is an ELF file for " + elf::machine_name(file_.machine) +
                             ", not " + arch);
        }
    }
    const elf::File &file() const { return file_; }

    // Writes `bytes` at the symbol, which must be exactly `size` bytes (0: at least bytes.size()).
    void patch(const std::string &symbol, const std::vector<std::uint8_t> &bytes, std::size_t exact_size) {
        std::optional<std::size_t> found;
        for (std::size_t i = 0; i < symbols_.symbols.size(); ++i) {
            if (symbols_.symbols[i].first != symbol) continue;
            if (found) fail(symbol, "multiple symbols named '" + symbol + "' found");
            found = i;
        }
        if (!found) fail(symbol, "no symbol named '" + symbol + "' found");
        const Word address = symbols_.symbols[*found].second;
        const Word size = *found < symbols_.symbol_sizes.size() ? symbols_.symbol_sizes[*found] : 0;
        if (exact_size != 0 && size != exact_size)
            fail(symbol, "the symbol is " + std::to_string(size) + " bytes, expected " + std::to_string(exact_size));
        if (size < bytes.size())
            fail(symbol, "the symbol is " + std::to_string(size) + " bytes, too small for " + std::to_string(bytes.size()));
        for (elf::Segment &segment : file_.segments) {
            if (address < segment.virtual_address || address + bytes.size() > segment.virtual_address + segment.memory_size)
                continue;
            const Word offset = address - segment.virtual_address;
            if (segment.data.size() < offset + bytes.size()) segment.data.resize(offset + bytes.size(), 0);
            std::memcpy(segment.data.data() + offset, bytes.data(), bytes.size());
            return;
        }
        fail(symbol, "the symbol at " + elf::hex(address) + " is in no loadable segment");
    }
    void patch_word(const std::string &symbol, Word value) {
        std::vector<std::uint8_t> bytes(8);
        for (unsigned i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(value >> (8 * i));
        patch(symbol, bytes, 8);
    }

    void write(const std::string &path) const { elf::write_file_atomically(path, elf::serialize(file_)); }

private:
    [[noreturn]] void fail(const std::string &symbol, const std::string &what) const {
        throw BuildError("could not patch symbol '" + symbol + "' in program image for PD '" + pd_ + "' (" + path_ +
                         "): " + what);
    }
    std::string pd_, path_;
    elf::File file_, symbols_;
};

std::vector<std::uint8_t> name_bytes(const std::string &name, std::size_t size) {
    std::vector<std::uint8_t> bytes(size, 0);
    std::memcpy(bytes.data(), name.data(), std::min(name.size(), size - 1));
    return bytes;
}

unsigned log2_of(Word power_of_two) { return static_cast<unsigned>(std::countr_zero(power_of_two)); }

// Everything made for one PD.
struct Pd {
    capdl::Thread thread;
    ObjectId root_cnode = 0, cnode = 0, notification = 0, sc = 0, reply = 0;
    std::optional<ObjectId> endpoint;
};

class SystemBuilder {
public:
    explicit SystemBuilder(const BuildInputs &in) : in_(in), system_(*in.system), builder_(in.kernel) {}

    BuiltSystem build() {
        if (system_.pds.size() > max_pds) throw BuildError("too many protection domains");
        for (const sdf::ProtectionDomain &pd : system_.pds) {
            if (pd.virtual_machine && in_.kernel.arch != "aarch64")
                throw BuildError(pd.virtual_machine->where.text() +
                                 ": error: sel4-microkit builds virtual machines on aarch64 only (not VT-x)");
        }
        if (!system_.io_address_spaces.empty())
            throw BuildError(system_.io_address_spaces.front().where.text() +
                             ": error: io_address_space: the CapDL initializer does not support IOMMU objects");
        // The symbols' values follow from the description alone: the ELFs are patched first,
        // and the spec's fills then refer to the patched copies.
        choose_paddrs();
        read_images();
        for (std::size_t i = 0; i < system_.pds.size(); ++i) patch_pd(i);
        patch_monitor();
        make_monitor();
        for (std::size_t i = 0; i < system_.pds.size(); ++i) make_pd(i);
        make_memory_regions();
        for (std::size_t i = 0; i < system_.pds.size(); ++i) connect_pd(i);
        make_channels();
        make_domains();
        try {
            result_.spec = builder_.finish();
        } catch (const capdl::BuildError &error) {
            throw BuildError(std::string("the system's CapDL spec: ") + error.what());
        }
        return std::move(result_);
    }

private:
    const sdf::ProtectionDomain &pd_of(std::size_t i) const { return system_.pds[i]; }

    // Physical addresses for the MRs that a <setvar region_paddr> names and that have none:
    // from the top of RAM down, clear of the MRs with a fixed address.
    void choose_paddrs() {
        std::vector<std::size_t> wanted;
        for (const sdf::ProtectionDomain &pd : system_.pds) {
            for (const sdf::SetVar &setvar : pd.setvars) {
                const auto mr = system_.find_mr(setvar.region);
                if (mr && !system_.memory_regions[*mr].phys_addr &&
                    std::find(wanted.begin(), wanted.end(), *mr) == wanted.end())
                    wanted.push_back(*mr);
            }
        }
        paddr_.resize(system_.memory_regions.size());
        for (std::size_t i = 0; i < system_.memory_regions.size(); ++i) paddr_[i] = system_.memory_regions[i].phys_addr;
        if (wanted.empty()) return;
        if (in_.ram.empty()) throw BuildError("no RAM ranges known for the MRs whose physical address the tool picks");
        Word top = in_.ram.back().second;
        const Word bottom = in_.ram.back().first;
        for (std::size_t mr : wanted) {
            const sdf::MemoryRegion &region = system_.memory_regions[mr];
            for (;;) {
                if (top < bottom + region.size) {
                    throw BuildError(region.where.text() + ": error: no room in RAM for memory region '" + region.name +
                                     "' (" + elf::hex(region.size) + " bytes)");
                }
                const Word start = (top - region.size) & ~(region.page_size - 1);
                const auto clash = std::find_if(system_.memory_regions.begin(), system_.memory_regions.end(),
                                                [&](const sdf::MemoryRegion &other) {
                                                    return other.phys_addr && *other.phys_addr < start + region.size &&
                                                           start < *other.phys_addr + other.size;
                                                });
                if (clash == system_.memory_regions.end()) {
                    paddr_[mr] = start;
                    top = start;
                    result_.chosen_paddrs.emplace_back(region.name, start);
                    break;
                }
                top = *clash->phys_addr;
            }
        }
    }

    void read_images() {
        for (const sdf::ProtectionDomain &pd : system_.pds)
            images_.emplace_back(pd.name, pd.program_image, pd.path_for_symbols, in_.kernel.arch);
        monitor_image_.emplace(std::string("monitor"), in_.monitor_elf, std::nullopt, in_.kernel.arch);
    }

    std::string fill_path(const std::string &name) const { return (fs::path(in_.work_dir) / name).string(); }

    void make_monitor() {
        monitor_cnode_ = builder_.cnode("monitor_cnode", monitor_slot::bits);
        const Word ipc_buffer = in_.target.ipc_buffer();
        capdl::ThreadOptions options{.cspace = monitor_cnode_,
                                     .ipc_buffer_addr = ipc_buffer,
                                     .stack_size = 0x4000,
                                     .gprs = {ipc_buffer, monitor_slot::tcb},
                                     .prio = 255,
                                     .max_prio = 255};
        options.domain = system_.domains ? std::optional<std::uint8_t>(0) : std::nullopt;
        monitor_ = thread("monitor", fill_path("monitor.elf"), "monitor.elf", options);
        monitor_endpoint_ = builder_.endpoint("monitor_endpoint");
        builder_.insert(monitor_cnode_, monitor_slot::endpoint, cap::endpoint(monitor_endpoint_));
        builder_.insert(monitor_cnode_, monitor_slot::reply, cap::reply(builder_.reply("monitor_reply")));
        builder_.insert(monitor_cnode_, monitor_slot::tcb, cap::tcb(monitor_.tcb));
        const ObjectId sc = builder_.sched_context("monitor_sc", 1000, 1000, 0);
        builder_.insert(monitor_.tcb, capdl::object::tcb_slot::sched_context, cap::sched_context(sc));
    }

    capdl::Thread thread(const std::string &name, const std::string &elf, const std::string &fill,
                         const capdl::ThreadOptions &options) {
        try {
            return builder_.thread_from_elf(name, elf, fill, options);
        } catch (const capdl::BuildError &error) {
            throw BuildError(std::string("PD '") + name + "': " + error.what());
        }
    }

    bool needs_endpoint(std::size_t i) const {
        const sdf::ProtectionDomain &pd = pd_of(i);
        if (pd.virtual_machine) return true;
        for (const sdf::ProtectionDomain &other : system_.pds)
            if (other.parent == i) return true;
        for (const sdf::Channel &channel : system_.channels) {
            if ((channel.a.pd == i && channel.b.pp) || (channel.b.pd == i && channel.a.pp)) return true;
        }
        return false;
    }

    void make_pd(std::size_t i) {
        const sdf::ProtectionDomain &pd = pd_of(i);
        Pd made;
        made.root_cnode = builder_.cnode(pd.name + "_cnode_root", pd_slot::root_bits);
        made.cnode = builder_.cnode(pd.name + "_cnode", pd_slot::microkit_bits);
        builder_.insert(made.root_cnode, 0,
                        cap::cnode(made.cnode, 0, 64 - pd_slot::root_bits - pd_slot::microkit_bits));
        capdl::ThreadOptions options{.cspace = made.root_cnode,
                                     .cspace_guard_size = 0,
                                     .ipc_buffer_addr = in_.target.ipc_buffer(),
                                     .stack_size = pd.stack_size,
                                     .prio = static_cast<std::uint8_t>(pd.priority),
                                     .max_prio = static_cast<std::uint8_t>(pd.priority),
                                     .affinity = pd.cpu,
                                     .fpu = pd.fpu};
        if (pd.domain_index) options.domain = domain_id(*pd.domain_index);
        else if (system_.domains) options.domain = 0;
        made.thread = thread(pd.name, fill_path(pd.name + ".elf"), pd.name + ".elf", options);
        const ObjectId tcb = made.thread.tcb;
        made.sc = builder_.sched_context(pd.name + "_sc", pd.period, pd.budget, sc_badge_base + i);
        builder_.insert(tcb, capdl::object::tcb_slot::sched_context, cap::sched_context(made.sc));
        made.notification = builder_.notification(pd.name + "_notification");
        builder_.insert(tcb, capdl::object::tcb_slot::bound_notification, cap::notification(made.notification));
        made.reply = builder_.reply(pd.name + "_reply");
        builder_.insert(made.cnode, pd_slot::reply, cap::reply(made.reply));
        if (needs_endpoint(i)) made.endpoint = builder_.endpoint(pd.name + "_endpoint");
        builder_.insert(made.cnode, pd_slot::input,
                        made.endpoint ? cap::endpoint(*made.endpoint) : cap::notification(made.notification));
        builder_.insert(made.cnode, pd_slot::vspace, cap::page_table(made.thread.vspace));
        builder_.insert(monitor_cnode_, monitor_slot::pd_tcb + static_cast<std::uint32_t>(i), cap::tcb(tcb));
        if (pd.passive) {
            builder_.insert(made.cnode, pd_slot::monitor_ep,
                            cap::endpoint(monitor_endpoint_, i + 1, capdl::Rights{.write = true}));
            builder_.insert(monitor_cnode_, monitor_slot::pd_sc + static_cast<std::uint32_t>(i), cap::sched_context(made.sc));
            builder_.insert(monitor_cnode_, monitor_slot::pd_notification + static_cast<std::uint32_t>(i),
                            cap::notification(made.notification));
        }
        if (pd.smc) builder_.insert(made.cnode, pd_slot::arm_smc, {.kind = capdl::CapKind::ArmSmc,
                                                                    .object = builder_.add(pd.name + "_smc", capdl::object::ArmSmc{})});
        pds_.push_back(made);
    }

    std::uint8_t domain_id(std::size_t index) const {
        return static_cast<std::uint8_t>(system_.domains->domains[index].kernel_id);
    }

    void make_memory_regions() {
        for (std::size_t m = 0; m < system_.memory_regions.size(); ++m) {
            const sdf::MemoryRegion &mr = system_.memory_regions[m];
            std::optional<std::string> fill_file;
            Word fill_size = 0;
            if (mr.prefill_path) {
                fill_file = "mr_" + mr.name + ".fill";
                std::error_code error;
                fs::copy_file(*mr.prefill_path, fill_path(*fill_file), fs::copy_options::overwrite_existing, error);
                if (error) throw BuildError(mr.where.text() + ": error: cannot copy prefill file '" + *mr.prefill_path + "': " + error.message());
                fill_size = fs::file_size(*mr.prefill_path);
            }
            std::vector<ObjectId> frames;
            for (Word k = 0; k < mr.pages(); ++k) {
                std::optional<Word> paddr;
                if (paddr_[m]) paddr = *paddr_[m] + k * mr.page_size;
                const ObjectId frame = builder_.frame("mr_" + mr.name + "_" + std::to_string(k),
                                                      static_cast<std::uint8_t>(log2_of(mr.page_size)), paddr);
                if (fill_file && k * mr.page_size < fill_size) {
                    const Word length = std::min(mr.page_size, fill_size - k * mr.page_size);
                    builder_.fill(frame, {{0, length}, capdl::object::FileData{*fill_file, k * mr.page_size}});
                }
                if (mr.prefill_bootinfo) {
                    builder_.fill(frame, {{0, mr.page_size},
                                          capdl::object::BootInfoData{bootinfo_id(*mr.prefill_bootinfo), k * mr.page_size}});
                }
                frames.push_back(frame);
            }
            mr_frames_.push_back(std::move(frames));
        }
    }

    static capdl::object::BootInfoId bootinfo_id(sdf::BootInfoPrefill prefill) {
        using enum capdl::object::BootInfoId;
        switch (prefill) {
        case sdf::BootInfoPrefill::x86_vbe: return X86Vbe;
        case sdf::BootInfoPrefill::x86_mbmmap: return X86Mbmmap;
        case sdf::BootInfoPrefill::x86_acpi_rsdp: return X86AcpiRsdp;
        case sdf::BootInfoPrefill::x86_framebuffer: return X86FrameBuffer;
        case sdf::BootInfoPrefill::x86_tsc_freq: return X86TscFreq;
        case sdf::BootInfoPrefill::fdt: return Fdt;
        }
        return Padding;
    }

    // Maps an MR into a VSpace: a PD's, or a virtual machine's (guest-physical addresses).
    void map_region(ObjectId vspace, const std::string &owner, const sdf::Map &map) {
        const auto m = system_.find_mr(map.mr);
        if (!m) throw BuildError(map.where.text() + ": error: invalid memory region name '" + map.mr + "'");
        const sdf::MemoryRegion &mr = system_.memory_regions[*m];
        for (Word k = 0; k < mr.pages(); ++k) {
            try {
                builder_.map(vspace, map.vaddr + k * mr.page_size, mr_frames_[*m][k],
                             capdl::Rights{.read = map.perms.read, .write = map.perms.write}, map.cached,
                             map.perms.execute);
            } catch (const capdl::BuildError &error) {
                throw BuildError(map.where.text() + ": error: mapping memory region '" + mr.name + "' into " + owner +
                                 ": " + error.what());
            }
        }
    }

    // A PD's virtual machine, as Microkit makes it: one VSpace for the guest, and for each vCPU
    // a TCB (suspended until the PD restarts it) with its VCPU, a scheduling context and the
    // PD's endpoint as fault endpoint (badged with the vCPU's id); the PD holds the VCPU and
    // TCB caps (BASE_VCPU_CAP, BASE_VM_TCB_CAP + id), the monitor the TCBs (to name them).
    void make_virtual_machine(std::size_t i) {
        const sdf::ProtectionDomain &pd = pd_of(i);
        const sdf::VirtualMachine &vm = *pd.virtual_machine;
        const ObjectId vspace = builder_.vspace(vm.name + "_vspace");
        for (const sdf::Map &map : vm.maps) map_region(vspace, "virtual machine '" + vm.name + "'", map);
        for (std::size_t index = 0; index < vm.vcpus.size(); ++index) {
            const sdf::Vcpu &vcpu = vm.vcpus[index];
            const std::string name = vm.name + "_vcpu_" + std::to_string(vcpu.id);
            const ObjectId tcb = builder_.tcb(name + "_tcb", capdl::object::TcbExtra{.ipc_buffer_addr = 0,
                                                                                   .affinity = vcpu.cpu,
                                                                                   .prio = static_cast<std::uint8_t>(vm.priority),
                                                                                   .max_prio = static_cast<std::uint8_t>(vm.priority),
                                                                                   .fpu_disabled = false,
                                                                                   .resume = false,
                                                                                   .domain = std::nullopt,
                                                                                   .ip = 0,
                                                                                   .sp = 0,
                                                                                   .gprs = {},
                                                                                   .master_fault_ep = std::nullopt});
            const ObjectId cnode = builder_.cnode(name + "_cnode", pd_slot::root_bits);
            const ObjectId vcpu_object = builder_.vcpu(name);
            using namespace capdl::object;
            builder_.insert(tcb, tcb_slot::cspace, cap::cnode(cnode, 0, 64 - pd_slot::root_bits));
            builder_.insert(tcb, tcb_slot::vspace, cap::page_table(vspace));
            builder_.insert(tcb, tcb_slot::ipc_buffer, cap::frame(builder_.frame(name + "_ipc_buffer")));
            builder_.insert(tcb, tcb_slot::fault_ep,
                            cap::endpoint(*pds_[i].endpoint, fault_badge | vcpu.id, capdl::Rights::all()));
            builder_.insert(tcb, tcb_slot::sched_context,
                            cap::sched_context(builder_.sched_context(name + "_sc", vm.period, vm.budget,
                                                                      sc_badge_base + index)));
            builder_.insert(tcb, tcb_slot::vcpu, cap::vcpu(vcpu_object));
            builder_.insert(pds_[i].cnode, pd_slot::vcpu + vcpu.id, cap::vcpu(vcpu_object));
            builder_.insert(pds_[i].cnode, pd_slot::vm_tcb + vcpu.id, cap::tcb(tcb));
            builder_.insert(monitor_cnode_, monitor_slot::vm_tcb + static_cast<std::uint32_t>(vm_threads_++), cap::tcb(tcb));
        }
    }

    void connect_pd(std::size_t i) {
        const sdf::ProtectionDomain &pd = pd_of(i);
        Pd &made = pds_[i];
        for (const sdf::Map &map : pd.maps) map_region(made.thread.vspace, "PD '" + pd.name + "'", map);
        if (pd.virtual_machine) make_virtual_machine(i);
        // Faults go to the parent (badged with the child's id) or to the monitor (the PD's index + 1).
        const capdl::Cap fault_ep =
            pd.parent ? cap::endpoint(*pds_[*pd.parent].endpoint, fault_badge | *pd.id, capdl::Rights::all())
                      : cap::endpoint(monitor_endpoint_, i + 1, capdl::Rights::all());
        builder_.insert(made.thread.tcb, capdl::object::tcb_slot::fault_ep, fault_ep);
        if (pd.parent) {
            builder_.insert(pds_[*pd.parent].cnode, pd_slot::child_tcb + *pd.id, cap::tcb(made.thread.tcb));
        }
        for (const sdf::Irq &irq : pd.irqs) make_irq(i, irq);
        for (const sdf::IoPort &port : pd.ioports) {
            const ObjectId ports = builder_.add(pd.name + "_ioport_" + std::to_string(port.id),
                                                capdl::object::IOPorts{.start_port = port.addr,
                                                                       .end_port = port.addr + port.size - 1});
            builder_.insert(made.cnode, pd_slot::ioport + port.id, {.kind = capdl::CapKind::IOPorts, .object = ports});
        }
        for (const sdf::CspaceCap &entry : pd.cspace) {
            if (entry.slot >= (1u << pd_slot::root_bits) || entry.slot == 0)
                throw BuildError(entry.where.text() + ": error: cspace slot " + std::to_string(entry.slot) +
                                 " is outside the PD's root CNode (slots 1 to 63)");
            const auto other = system_.find_pd(entry.pd);
            if (!other) throw BuildError(entry.where.text() + ": error: unknown PD name '" + entry.pd + "'");
            const Pd &target = pds_[*other];
            const capdl::Cap cap = entry.type == sdf::CapType::tcb  ? cap::tcb(target.thread.tcb)
                                   : entry.type == sdf::CapType::sc ? cap::sched_context(target.sc)
                                                                    : cap::page_table(target.thread.vspace);
            builder_.insert(made.root_cnode, entry.slot, cap);
        }
    }

    void make_irq(std::size_t i, const sdf::Irq &irq) {
        const sdf::ProtectionDomain &pd = pd_of(i);
        Pd &made = pds_[i];
        const std::string name = pd.name + "_irq_" + std::to_string(irq.id);
        const Word badge = Word{1} << irq.id;
        const auto trigger = irq.trigger == sdf::Trigger::edge ? capdl::IrqTrigger::edge : capdl::IrqTrigger::level;
        ObjectId object = 0;
        try {
            switch (irq.kind) {
            case sdf::IrqKind::conventional:
                object = builder_.irq(name, irq.irq, made.notification, badge, trigger);
                if (in_.kernel.arch == "aarch64") builder_.get<capdl::object::ArmIrq>(object).target = pd.cpu;
                break;
            case sdf::IrqKind::ioapic:
                object = builder_.irq_object(name, irq.vector,
                                             capdl::object::IrqIOApic{.slots = {},
                                                                      .ioapic = irq.ioapic,
                                                                      .pin = irq.pin,
                                                                      .level = irq.trigger == sdf::Trigger::level ? 1u : 0u,
                                                                      .polarity = irq.polarity == sdf::Polarity::low ? 1u : 0u},
                                             made.notification, badge);
                break;
            case sdf::IrqKind::msi:
                object = builder_.irq_object(name, irq.vector,
                                             capdl::object::IrqMsi{.slots = {},
                                                                   .handle = irq.handle,
                                                                   .pci_bus = irq.pci_bus,
                                                                   .pci_dev = irq.pci_dev,
                                                                   .pci_func = irq.pci_func},
                                             made.notification, badge);
                break;
            }
        } catch (const capdl::BuildError &error) {
            throw BuildError(irq.where.text() + ": error: " + error.what());
        }
        builder_.insert(made.cnode, pd_slot::irq + irq.id, builder_.irq_handler(object));
    }

    void make_channels() {
        for (const sdf::Channel &channel : system_.channels) {
            for (const auto &[from, to] : {std::pair{&channel.a, &channel.b}, std::pair{&channel.b, &channel.a}}) {
                const Pd &source = pds_[from->pd];
                const Pd &target = pds_[to->pd];
                if (from->notify) {
                    builder_.insert(source.cnode, pd_slot::output_notification + from->id,
                                    cap::notification(target.notification, Word{1} << to->id, capdl::Rights{.write = true}));
                }
                if (from->pp) {
                    builder_.insert(source.cnode, pd_slot::endpoint + from->id,
                                    cap::endpoint(*target.endpoint, ppc_badge | to->id,
                                                  capdl::Rights{.write = true, .grant = true, .grant_reply = true}));
                }
            }
        }
    }

    void make_domains() {
        if (!system_.domains) return;
        std::vector<capdl::DomainSchedEntry> entries;
        for (const sdf::ScheduleEntry &entry : system_.domains->schedule) {
            entries.push_back({.domain = domain_id(entry.domain),
                               .kind = entry.in_ticks ? capdl::DomainSchedEntry::Kind::Ticks
                                                      : capdl::DomainSchedEntry::Kind::Us,
                               .duration = entry.duration});
        }
        if (system_.domains->end_marker) entries.push_back({.domain = 0, .kind = capdl::DomainSchedEntry::Kind::EndMarker});
        // As Microkit: the kernel starts a schedule only with a start index, which is 0 unless given.
        builder_.domain_schedule(std::move(entries), system_.domains->start_index.value_or(0),
                                 system_.domains->index_shift);
    }

    // The values of PD i's symbols: the bitmasks of its channels, IRQs and I/O ports, and
    // every setvar of the description that is its.
    std::vector<std::pair<std::string, Word>> symbol_values(std::size_t i) const {
        const sdf::ProtectionDomain &pd = pd_of(i);
        Word irqs = 0, notifications = 0, pps = 0, ioports = 0;
        std::vector<std::pair<std::string, Word>> setvars;
        for (const sdf::Irq &irq : pd.irqs) {
            irqs |= Word{1} << irq.id;
            if (irq.setvar_id) setvars.emplace_back(*irq.setvar_id, irq.id);
        }
        for (const sdf::Channel &channel : system_.channels) {
            for (const sdf::ChannelEnd *end : {&channel.a, &channel.b}) {
                if (end->pd != i) continue;
                if (end->notify) notifications |= Word{1} << end->id;
                if (end->pp) pps |= Word{1} << end->id;
                if (end->setvar_id) setvars.emplace_back(*end->setvar_id, end->id);
            }
        }
        for (const sdf::IoPort &port : pd.ioports) {
            ioports |= Word{1} << port.id;
            if (port.setvar_id) setvars.emplace_back(*port.setvar_id, port.id);
            if (port.setvar_addr) setvars.emplace_back(*port.setvar_addr, port.addr);
        }
        for (const sdf::Map &map : pd.maps) {
            const auto m = system_.find_mr(map.mr);
            if (!m) continue; // the parser has refused it
            const sdf::MemoryRegion &mr = system_.memory_regions[*m];
            if (map.setvar_vaddr) setvars.emplace_back(*map.setvar_vaddr, map.vaddr);
            if (map.setvar_size) setvars.emplace_back(*map.setvar_size, mr.size);
            if (map.setvar_prefill_size)
                setvars.emplace_back(*map.setvar_prefill_size, mr.prefill_size);
        }
        for (const sdf::SetVar &setvar : pd.setvars) {
            const auto m = system_.find_mr(setvar.region);
            if (!m || !paddr_[*m])
                throw BuildError(setvar.where.text() + ": error: setvar on symbol '" + setvar.symbol +
                                 "': memory region '" + setvar.region + "' has no physical address");
            setvars.emplace_back(setvar.symbol, *paddr_[*m]);
        }
        for (const sdf::ProtectionDomain &child : system_.pds) {
            if (child.parent == i && child.setvar_id) setvars.emplace_back(*child.setvar_id, *child.id);
        }
        if (pd.virtual_machine) {
            for (const sdf::Vcpu &vcpu : pd.virtual_machine->vcpus)
                if (vcpu.setvar_id) setvars.emplace_back(*vcpu.setvar_id, vcpu.id);
        }
        std::vector<std::pair<std::string, Word>> values{{"microkit_irqs", irqs},
                                                         {"microkit_notifications", notifications},
                                                         {"microkit_pps", pps},
                                                         {"microkit_ioports", ioports}};
        values.insert(values.end(), setvars.begin(), setvars.end());
        return values;
    }

    void patch_pd(std::size_t i) {
        const sdf::ProtectionDomain &pd = pd_of(i);
        PatchedElf &image = images_[i];
        PdInfo info{.name = pd.name,
                    .program_image = pd.program_image,
                    .entry = image.file().entry,
                    .ipc_buffer = in_.target.ipc_buffer(),
                    .stack_top = in_.target.stack_top(),
                    .stack_bottom = in_.target.stack_top() - pd.stack_size,
                    .symbols = {}};
        image.patch("microkit_name", name_bytes(pd.name, sdf::pd_name_length), 0);
        image.patch("microkit_passive", {static_cast<std::uint8_t>(pd.passive)}, 0);
        info.symbols.emplace_back("microkit_name", pd.name);
        info.symbols.emplace_back("microkit_passive", pd.passive ? "true" : "false");
        for (const auto &[symbol, value] : symbol_values(i)) {
            image.patch_word(symbol, value);
            info.symbols.emplace_back(symbol, elf::hex(value));
        }
        image.write(fill_path(pd.name + ".elf"));
        result_.pds.push_back(std::move(info));
    }

    void patch_monitor() {
        PatchedElf &image = *monitor_image_;
        std::vector<std::uint8_t> names(max_pds * sdf::pd_name_length, 0), stacks(max_pds * 8, 0);
        for (std::size_t i = 0; i < system_.pds.size(); ++i) {
            const std::vector<std::uint8_t> name = name_bytes(system_.pds[i].name, sdf::pd_name_length);
            std::copy(name.begin(), name.end(), names.begin() + static_cast<std::ptrdiff_t>(i * sdf::pd_name_length));
            for (unsigned b = 0; b < 8; ++b) stacks[i * 8 + b] = static_cast<std::uint8_t>(result_.pds[i].stack_bottom >> (8 * b));
        }
        image.patch("pd_names", names, names.size());
        image.patch_word("pd_names_len", system_.pds.size());
        // The vCPU threads, in the order make_virtual_machine gives them monitor slots.
        std::vector<std::uint8_t> vm_names(max_pds * sdf::pd_name_length, 0);
        std::size_t vm_threads = 0;
        for (const sdf::ProtectionDomain &pd : system_.pds) {
            if (!pd.virtual_machine) continue;
            for (std::size_t v = 0; v < pd.virtual_machine->vcpus.size(); ++v) {
                if (vm_threads == max_pds) throw BuildError("more than " + std::to_string(max_pds) + " vCPUs in the system");
                const std::vector<std::uint8_t> name = name_bytes(pd.virtual_machine->name, sdf::pd_name_length);
                std::copy(name.begin(), name.end(), vm_names.begin() + static_cast<std::ptrdiff_t>(vm_threads++ * sdf::pd_name_length));
            }
        }
        image.patch("vm_names", vm_names, vm_names.size());
        image.patch_word("vm_names_len", vm_threads);
        image.patch("pd_stack_bottom_addrs", stacks, stacks.size());
        image.write(fill_path("monitor.elf"));
    }

    const BuildInputs &in_;
    const sdf::SystemDescription &system_;
    Builder builder_;
    BuiltSystem result_;
    std::vector<std::optional<Word>> paddr_;
    std::vector<PatchedElf> images_;
    std::optional<PatchedElf> monitor_image_;
    ObjectId monitor_cnode_ = 0, monitor_endpoint_ = 0;
    std::size_t vm_threads_ = 0;
    capdl::Thread monitor_{};
    std::vector<Pd> pds_;
    std::vector<std::vector<ObjectId>> mr_frames_;
};

} // namespace

BuiltSystem build_system(const BuildInputs &inputs) { return SystemBuilder(inputs).build(); }

} // namespace sel4::microkit
