// Microkit 2.3's System Description File (the .system XML): the model of a system, read and
// checked by parse() with Microkit 2.3's rules. Every problem is an sdf::Error whose message
// names the file, line and column of the element or attribute and the rule it breaks:
//     hello.system:4:5: error: priority must be between 0 and 254
// The protection domains are flattened in document order (a parent before its children); a
// child names its parent by index.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sel4::microkit::sdf {

using Word = std::uint64_t;

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Where an element starts in its file (1-based line and column).
struct Location {
    std::string file;
    unsigned line = 0;
    unsigned column = 0;
    std::string text() const; // "file:line:column"
};

// What of the kernel and the board the rules depend on: read from the kernel's gen_config.json
// by target_from_kernel_config (below).
struct Target {
    std::string arch = "aarch64";  // aarch64, riscv64 or x86_64
    bool hypervisor = false;       // ARM_HYPERVISOR_SUPPORT: virtual machines allowed
    bool arm_smc = false;          // ALLOW_SMC_CALLS
    bool iommu = false;            // IOMMU (x86_64)
    bool vtx = false;              // VTX (x86_64)
    unsigned num_cores = 1;        // MAX_NUM_NODES
    unsigned num_domain_schedules = 100; // NUM_DOMAIN_SCHEDULES
    unsigned num_domains = 16;     // NUM_DOMAINS: domain ids are 0..num_domains-1
    // seL4_UserVSpaceTop of the kernel's libsel4: the last user address (aarch64 with a 40-bit
    // stage-2 VSpace 0xff_ffff_ffff, riscv64 Sv39 0x3f_ffff_efff, x86_64 0x7fff_ffff_efff).
    Word user_vspace_top = 0;
    // The IPC buffer's page: the top user page, as Microkit 2.3 places it. The stack ends a
    // guard page below it; maps must end below the stack.
    Word ipc_buffer() const { return user_vspace_top & ~Word{0xfff}; }
    Word stack_top() const { return ipc_buffer() - 0x1000; }
    // Virtual machines need ARM_HYPERVISOR_SUPPORT on aarch64 and VTX on x86_64.
    bool virtual_machines() const { return arch == "x86_64" ? vtx : arch == "aarch64" && hypervisor; }
};
// Reads the Target from a kernel's gen_config.json (an Error naming the file if it cannot).
Target target_from_kernel_config(const std::string &gen_config_json);

inline constexpr unsigned max_pds = 63;
inline constexpr unsigned max_id = 61;          // channel, IRQ, child and vCPU ids are 0..61
inline constexpr unsigned max_user_cap_slot = 127;
inline constexpr unsigned pd_name_length = 64;  // including the terminating zero
inline constexpr Word default_stack_size = 0x2000;

// Permissions of a map: a combination of r, w, x, never w alone.
struct Perms {
    bool read = false, write = false, execute = false;
};

struct Map {
    std::string mr;
    Word vaddr = 0;
    Perms perms{.read = true, .write = true};
    bool cached = true;
    std::optional<std::string> setvar_vaddr;
    std::optional<std::string> setvar_size;
    std::optional<std::string> setvar_prefill_size;
    Location where;
};

enum class BootInfoPrefill { x86_vbe, x86_mbmmap, x86_acpi_rsdp, x86_framebuffer, x86_tsc_freq, fdt };

struct MemoryRegion {
    std::string name;
    Word size = 0;       // a multiple of page_size; from the prefill file when not given
    Word page_size = 0;  // 0x1000 or 0x200000; when not given, the largest one that size, every
                         // map's vaddr and phys_addr are aligned to
    bool page_size_given = false;
    std::optional<Word> phys_addr;
    std::optional<std::string> prefill_path; // as resolved: the file found (see parse's search path)
    std::optional<BootInfoPrefill> prefill_bootinfo;
    Word prefill_size = 0; // the prefill file's length in bytes (0 without prefill_path)
    // No phys_addr, but a <setvar region_paddr> names it (aarch64, riscv64): the builder picks
    // a physically contiguous range.
    bool paddr_by_tool = false;
    Location where;
    Word pages() const { return size / page_size; }
};

enum class IrqKind { conventional, ioapic, msi }; // ARM/RISC-V (`irq`), x86 I/O APIC (`pin`), x86 MSI (`pcidev`)
enum class Trigger { level, edge };
enum class Polarity { high, low };

struct Irq {
    IrqKind kind = IrqKind::conventional;
    unsigned id = 0;
    std::optional<std::string> setvar_id;
    Word irq = 0;                       // conventional
    Trigger trigger = Trigger::level;   // conventional and ioapic
    Word ioapic = 0, pin = 0;           // ioapic
    Polarity polarity = Polarity::high; // ioapic
    Word vector = 0;                    // ioapic and msi: 0..107
    unsigned pci_bus = 0, pci_dev = 0, pci_func = 0; // msi
    Word handle = 0;                                  // msi
    Location where;
};

struct SetVar { // <setvar symbol region_paddr>
    std::string symbol;
    std::string region; // the MR whose physical address the symbol gets
    Location where;
};

struct IoPort {
    unsigned id = 0;
    Word addr = 0, size = 0;
    std::optional<std::string> setvar_id, setvar_addr;
    Location where;
};

enum class CapType { tcb, sc, vspace };
struct CspaceCap { // <cspace><cap_tcb slot pd/>...
    CapType type = CapType::tcb;
    unsigned slot = 0; // 1..127
    std::string pd;
    Location where;
};

struct Vcpu {
    unsigned id = 0;
    std::optional<std::string> setvar_id;
    unsigned cpu = 0; // default: the PD's
    Location where;
};

struct VirtualMachine {
    std::string name;
    unsigned priority = 0;
    Word budget = 1000, period = 1000; // µs
    std::vector<Vcpu> vcpus;
    std::vector<Map> maps;
    Location where;
};

struct ProtectionDomain {
    std::string name;
    unsigned priority = 0;
    Word budget = 1000; // µs
    Word period = 1000; // µs, = budget when not given
    bool passive = false;
    Word stack_size = default_stack_size;
    bool smc = false;
    unsigned cpu = 0;
    bool fpu = true;
    std::optional<std::string> domain;
    std::optional<std::size_t> domain_index; // into Domains::domains
    std::optional<unsigned> id;              // a child's id in its parent (child PDs only)
    std::optional<std::string> setvar_id;
    std::optional<std::size_t> parent;       // index into SystemDescription::pds
    std::string program_image;               // as resolved through the search path
    std::optional<std::string> path_for_symbols;
    std::vector<Map> maps;
    std::vector<Irq> irqs;
    std::vector<SetVar> setvars;
    std::vector<IoPort> ioports;
    std::vector<CspaceCap> cspace;
    std::optional<VirtualMachine> virtual_machine;
    Location where;
};

struct ChannelEnd {
    std::size_t pd = 0; // index into SystemDescription::pds
    unsigned id = 0;
    bool pp = false;
    bool notify = true;
    std::optional<std::string> setvar_id;
    Location where;
};

struct Channel {
    ChannelEnd a, b;
    Location where;
};

struct IoMap {
    std::string mr;
    Word iovaddr = 0;
    Perms perms{.read = true, .write = true};
    Location where;
};
struct IoAddressSpace {
    std::string name;
    unsigned pci_bus = 0, pci_dev = 0, pci_func = 0;
    Word domain_id = 0;
    std::vector<IoMap> maps;
    Location where;
};

struct Domain {
    std::string name;
    std::optional<unsigned> id; // as given
    unsigned kernel_id = 0;     // the id given, else the smallest one no other domain has
    Location where;
};
struct ScheduleEntry {
    std::size_t domain = 0; // index into Domains::domains
    Word duration = 0;
    bool in_ticks = false;  // "N ticks"; else "N us"
    Location where;
};
struct Domains {
    std::vector<Domain> domains;
    std::optional<Word> start_index;
    std::optional<Word> index_shift;
    std::vector<ScheduleEntry> schedule; // up to the <schedule_end_marker/>
    bool end_marker = false;
    Location where;
};

struct SystemDescription {
    std::vector<ProtectionDomain> pds;
    std::vector<MemoryRegion> memory_regions;
    std::vector<Channel> channels;
    std::vector<IoAddressSpace> io_address_spaces;
    std::optional<Domains> domains;
    std::vector<std::string> warnings; // e.g. "WARNING: unused memory region 'x'"

    std::optional<std::size_t> find_pd(const std::string &name) const;
    std::optional<std::size_t> find_mr(const std::string &name) const;
};

// Reads and checks the .system file at `path` for `target`. Program images and prefill files
// are looked up in `search_path` (in order; a path that exists as given is taken as is) and
// stored resolved. Throws Error on the first problem.
SystemDescription parse_file(const std::string &path, const Target &target,
                             const std::vector<std::string> &search_path);
// The same for the text of a file named `file` (for messages).
SystemDescription parse(const std::string &text, const std::string &file, const Target &target,
                        const std::vector<std::string> &search_path);

} // namespace sel4::microkit::sdf
