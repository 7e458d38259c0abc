// The SDF parser: Microkit 2.3's elements, attributes and rules (tool/microkit/src/sdf.rs),
// each problem an Error "file:line:col: error: <Microkit's wording>" at the element at fault.
// Unlike Microkit, every number is read the same way (decimal or 0x-hex, `_` separators), so a
// bad id or IRQ number is an error instead of a panic, and the rules do not depend on the order
// of the top-level elements (a PD may come before the <domains> it names).
#include "sdf.hpp"
#include "sdf_xml.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <cstdio>

namespace sel4::microkit::sdf {

std::string Location::text() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::optional<std::size_t> SystemDescription::find_pd(const std::string &name) const {
    for (std::size_t i = 0; i < pds.size(); ++i)
        if (pds[i].name == name)
            return i;
    return std::nullopt;
}

std::optional<std::size_t> SystemDescription::find_mr(const std::string &name) const {
    for (std::size_t i = 0; i < memory_regions.size(); ++i)
        if (memory_regions[i].name == name)
            return i;
    return std::nullopt;
}

namespace {

using xml::Element;
namespace fs = std::filesystem;

constexpr Word small_page = 0x1000;
constexpr Word large_page = 0x200000;
constexpr Word min_stack_size = 0x1000;
constexpr Word max_stack_size = 0x1000000;
constexpr unsigned max_priority = 254;
constexpr Word x86_max_vector = 107;
constexpr Word max_iova = 0x7f'ffff'ffff; // the CapDL initializer's x86 IO address space
constexpr std::array<Word, 2> page_sizes{small_page, large_page};

[[noreturn]] void fail(const Location &at, const std::string &message) {
    throw Error(at.text() + ": error: " + message);
}

// Rust's {:#x} and {:x}, as Microkit prints addresses.
std::string hex(Word v, bool prefix = true) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    do {
        s.insert(s.begin(), digits[v & 0xf]);
        v >>= 4;
    } while (v != 0);
    return prefix ? "0x" + s : s;
}


// Microkit's sdf_parse_number: `_` dropped, then decimal or 0x-hex into 64 bits, with Rust's
// from_str_radix's reasons.
std::optional<Word> parse_word(const std::string &given, std::string &why) {
    std::string s;
    for (char c : given)
        if (c != '_')
            s += c;
    unsigned base = 10;
    std::size_t i = 0;
    if (s.starts_with("0x")) {
        base = 16;
        i = 2;
    }
    if (i == s.size()) {
        why = "cannot parse integer from empty string";
        return std::nullopt;
    }
    if (s[i] == '+' && i + 1 < s.size())
        ++i;
    Word value = 0;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        unsigned digit;
        if (c >= '0' && c <= '9')
            digit = static_cast<unsigned>(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            digit = static_cast<unsigned>(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            digit = static_cast<unsigned>(c - 'A' + 10);
        else
            digit = base;
        if (digit >= base) {
            why = "invalid digit found in string";
            return std::nullopt;
        }
        if (value > (~Word{0} - digit) / base) {
            why = "number too large to fit in target type";
            return std::nullopt;
        }
        value = value * base + digit;
    }
    return value;
}

// Rust's i64::from_str_radix(s.trim(), 16), for PCI addresses.
std::optional<std::int64_t> parse_pci_part(std::string s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && space(s.front()))
        s.erase(s.begin());
    while (!s.empty() && space(s.back()))
        s.pop_back();
    bool negative = false;
    std::size_t i = 0;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        i = 1;
    }
    if (i == s.size())
        return std::nullopt;
    std::int64_t value = 0;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return std::nullopt;
        if (value > (INT64_MAX - digit) / 16)
            return std::nullopt;
        value = value * 16 + digit;
    }
    return negative ? -value : value;
}

struct Pci {
    unsigned bus = 0, dev = 0, func = 0;
};

// "bus:dev.func" in hex; the reason as Microkit words it if not.
std::optional<Pci> parse_pci(const std::string &s, std::string &why) {
    const auto colon = s.find(':');
    const auto dot = colon == std::string::npos ? colon : s.find('.', colon + 1);
    if (dot == std::string::npos) {
        why = "expected PCI address in bus:device.function form";
        return std::nullopt;
    }
    const struct {
        std::string text;
        const char *name;
        std::int64_t max;
    } parts[] = {{s.substr(0, colon), "bus", 255},
                 {s.substr(colon + 1, dot - colon - 1), "device", 31},
                 {s.substr(dot + 1), "function", 7}};
    unsigned values[3];
    for (int i = 0; i < 3; ++i) {
        const auto v = parse_pci_part(parts[i].text);
        if (!v) {
            why = std::string("failed to parse PCI ") + parts[i].name;
            return std::nullopt;
        }
        if (*v < 0 || *v > parts[i].max) {
            why = std::string("PCI ") + parts[i].name + " must be within [0.." +
                  std::to_string(parts[i].max) + "]";
            return std::nullopt;
        }
        values[i] = static_cast<unsigned>(*v);
    }
    return Pci{values[0], values[1], values[2]};
}

std::string pci_text(unsigned bus, unsigned dev, unsigned func) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02x:%02x.%x", bus, dev, func);
    return buf;
}

struct Parser {
    const Target &target;
    std::string file;
    const std::vector<std::string> &search_path;
    SystemDescription sd;
    std::vector<std::vector<std::string>> symbols; // per PD: the setvar symbols it has
    std::vector<Location> setvar_prefill_at;       // where each setvar_prefill_size is
    std::vector<std::string> setvar_prefill_mr;
    const Element *domains_element = nullptr;

    // ---- attributes ------------------------------------------------------------------------

    void allow(const Element &e, std::initializer_list<const char *> names) const {
        for (const auto &[key, value] : e.attributes) {
            if (std::none_of(names.begin(), names.end(), [&](const char *n) { return key == n; }))
                fail(e.where, "invalid attribute '" + key + "' on element '" + e.name + "'");
        }
    }

    const std::string &need(const Element &e, const char *key) const {
        const std::string *v = e.attribute(key);
        if (v == nullptr)
            fail(e.where, std::string("Missing required attribute '") + key + "' on element '" +
                              e.name + "'");
        return *v;
    }

    Word number(const Element &e, const std::string &s) const {
        std::string why;
        const auto v = parse_word(s, why);
        if (!v)
            fail(e.where, "failed to parse integer '" + s + "' on element '" + e.name + "': " + why);
        return *v;
    }

    Word number(const Element &e, const char *key, Word otherwise) const {
        const std::string *v = e.attribute(key);
        return v == nullptr ? otherwise : number(e, *v);
    }

    // A field Microkit reads as a signed number: a negative one gets `negative` as its message.
    Word non_negative(const Element &e, const std::string &s, const std::string &negative) const {
        if (s.starts_with("-")) {
            std::string why;
            const auto v = parse_word(s.substr(1), why);
            if (v && *v != 0)
                fail(e.where, negative);
            if (v)
                return 0;
        }
        return number(e, s);
    }

    bool boolean(const Element &e, const char *key, bool otherwise) const {
        const std::string *v = e.attribute(key);
        if (v == nullptr)
            return otherwise;
        if (*v == "true")
            return true;
        if (*v == "false")
            return false;
        fail(e.where, std::string(key) + " must be 'true' or 'false'");
    }

    void add_symbol(std::vector<std::string> &syms, const std::string &symbol,
                    const Element &e) const {
        if (std::find(syms.begin(), syms.end(), symbol) != syms.end())
            fail(e.where, "setvar on symbol '" + symbol + "' already exists");
        syms.push_back(symbol);
    }

    // A file as given if it exists, else the first search-path folder that has it.
    std::optional<std::string> resolve(const std::string &path) const {
        if (path.empty())
            return std::nullopt;
        std::error_code ec;
        if (fs::is_regular_file(path, ec))
            return path;
        for (const auto &folder : search_path) {
            const fs::path candidate = fs::path(folder) / path;
            if (fs::is_regular_file(candidate, ec))
                return candidate.string();
        }
        return std::nullopt;
    }

    [[noreturn]] void invalid_element(const Element &e, const std::string &prefix = "") const {
        fail(e.where, "invalid XML element " + prefix + "'" + e.name + "'");
    }

    // ---- protection domains ----------------------------------------------------------------

    Word stack_bottom(Word stack_size) const {
        const Word top = target.stack_top();
        return target.ipc_buffer() >= small_page && top >= stack_size ? top - stack_size : 0;
    }

    Map parse_map(const Element &e, bool setvars, Word max_vaddr) const {
        if (setvars)
            allow(e, {"mr", "vaddr", "perms", "cached", "setvar_vaddr", "setvar_size",
                      "setvar_prefill_size"});
        else
            allow(e, {"mr", "vaddr", "perms", "cached"});
        Map m;
        m.where = e.where;
        m.mr = need(e, "mr");
        m.vaddr = number(e, need(e, "vaddr"));
        if (m.vaddr >= max_vaddr)
            fail(e.where, "vaddr (" + hex(m.vaddr) + ") must be less than " + hex(max_vaddr));
        if (const std::string *p = e.attribute("perms")) {
            m.perms = {};
            for (char c : *p) {
                if (c == 'r')
                    m.perms.read = true;
                else if (c == 'w')
                    m.perms.write = true;
                else if (c == 'x')
                    m.perms.execute = true;
                else
                    fail(e.where, "perms must only be a combination of 'r', 'w', and 'x'");
            }
        }
        if (m.perms.write && !m.perms.read && !m.perms.execute)
            fail(e.where, "perms must not be 'w', write-only mappings are not allowed");
        m.cached = boolean(e, "cached", true);
        if (setvars) {
            if (const auto *s = e.attribute("setvar_vaddr"))
                m.setvar_vaddr = *s;
            if (const auto *s = e.attribute("setvar_size"))
                m.setvar_size = *s;
            if (const auto *s = e.attribute("setvar_prefill_size"))
                m.setvar_prefill_size = *s;
        }
        return m;
    }

    Irq parse_irq(const Element &e, std::vector<std::string> &syms) const {
        Irq irq;
        irq.where = e.where;
        const Word id = non_negative(e, need(e, "id"), "id must be >= 0");
        if (id > max_id)
            fail(e.where, "id must be < " + std::to_string(max_id + 1));
        irq.id = static_cast<unsigned>(id);
        if (const auto *s = e.attribute("setvar_id")) {
            add_symbol(syms, *s, e);
            irq.setvar_id = *s;
        }
        const bool x86 = target.arch == "x86_64";
        const auto trigger = [&] {
            const std::string *t = e.attribute("trigger");
            if (t == nullptr || *t == "level")
                return Trigger::level;
            if (*t == "edge")
                return Trigger::edge;
            fail(e.where, "trigger must be either 'level' or 'edge'");
        };
        const auto vector = [&] {
            const Word v = non_negative(e, need(e, "vector"), "vector must be within [0..107]");
            if (v > x86_max_vector)
                fail(e.where, "vector must be within [0.." + std::to_string(x86_max_vector) + "]");
            return v;
        };
        if (const auto *number_text = e.attribute("irq")) {
            if (x86)
                fail(e.where, "ARM and RISC-V IRQs are not supported on x86");
            allow(e, {"irq", "id", "setvar_id", "trigger"});
            irq.kind = IrqKind::conventional;
            irq.irq = number(e, *number_text);
            irq.trigger = trigger();
        } else if (const auto *pin = e.attribute("pin")) {
            if (!x86)
                fail(e.where, "x86 I/O APIC IRQ isn't supported on ARM and RISC-V");
            allow(e, {"id", "setvar_id", "ioapic", "pin", "trigger", "polarity", "vector"});
            irq.kind = IrqKind::ioapic;
            if (const auto *ioapic = e.attribute("ioapic"))
                irq.ioapic = non_negative(e, *ioapic, "ioapic must be >= 0");
            irq.pin = non_negative(e, *pin, "pin must be >= 0");
            irq.trigger = trigger();
            if (const auto *p = e.attribute("polarity")) {
                if (*p == "low")
                    irq.polarity = Polarity::low;
                else if (*p == "high")
                    irq.polarity = Polarity::high;
                else
                    fail(e.where, "polarity must be either 'low' or 'high'");
            }
            irq.vector = vector();
        } else if (const auto *pcidev = e.attribute("pcidev")) {
            if (!x86)
                fail(e.where, "x86 MSI IRQ isn't supported on ARM and RISC-V");
            allow(e, {"id", "setvar_id", "pcidev", "handle", "vector"});
            irq.kind = IrqKind::msi;
            std::string why;
            const auto pci = parse_pci(*pcidev, why);
            if (!pci)
                fail(e.where, why);
            irq.pci_bus = pci->bus;
            irq.pci_dev = pci->dev;
            irq.pci_func = pci->func;
            irq.handle = non_negative(e, need(e, "handle"), "handle must be >= 0");
            irq.vector = vector();
        } else {
            need(e, x86 ? "pin" : "irq");
        }
        return irq;
    }

    IoPort parse_ioport(const Element &e, const Element &pd, std::vector<std::string> &syms) const {
        if (target.arch != "x86_64")
            fail(pd.where, "I/O Ports are only available on x86");
        allow(e, {"id", "setvar_id", "setvar_addr", "addr", "size"});
        IoPort port;
        port.where = e.where;
        const Word id = non_negative(e, need(e, "id"), "id must be >= 0");
        if (id > max_id)
            fail(e.where, "id must be < " + std::to_string(max_id + 1));
        port.id = static_cast<unsigned>(id);
        if (const auto *s = e.attribute("setvar_id")) {
            add_symbol(syms, *s, e);
            port.setvar_id = *s;
        }
        port.addr = number(e, need(e, "addr"));
        if (const auto *s = e.attribute("setvar_addr")) {
            add_symbol(syms, *s, e);
            port.setvar_addr = *s;
        }
        port.size = non_negative(e, need(e, "size"), "size must be > 0");
        if (port.size == 0)
            fail(e.where, "size must be > 0");
        if (port.addr + port.size < port.addr)
            fail(e.where, "I/O port range [" + hex(port.addr) + ", +" + hex(port.size) +
                              ") overflows");
        return port;
    }

    std::vector<CspaceCap> parse_cspace(const Element &e) const {
        allow(e, {});
        std::vector<CspaceCap> caps;
        for (const auto &child : e.children) {
            const Element &c = *child;
            CspaceCap cap;
            if (c.name == "cap_tcb")
                cap.type = CapType::tcb;
            else if (c.name == "cap_sc")
                cap.type = CapType::sc;
            else if (c.name == "cap_vspace")
                cap.type = CapType::vspace;
            else if (c.name.starts_with("cap_"))
                fail(c.where, "Cap type: '" + c.name.substr(4) + "' is not supported");
            else
                fail(c.where, "Element '" + c.name + "' is not supported in a <cspace> element");
            allow(c, {"slot", "pd"});
            cap.where = c.where;
            cap.pd = need(c, "pd");
            const Word slot = number(c, need(c, "slot"));
            if (slot == 0)
                fail(c.where, "The destination slot 0 has been reserved for Microkit CNode");
            if (slot > max_user_cap_slot)
                fail(c.where, "There are only " + std::to_string(max_user_cap_slot + 1) +
                                  " destination cspace slots available.");
            cap.slot = static_cast<unsigned>(slot);
            caps.push_back(cap);
        }
        return caps;
    }

    unsigned parse_cpu(const Element &e, const std::string &s) const {
        const Word cpu = number(e, s);
        if (cpu >= target.num_cores)
            fail(e.where, "cpu core must be less than " + std::to_string(target.num_cores) +
                              ", got " + std::to_string(cpu));
        return static_cast<unsigned>(cpu);
    }

    void parse_sched(const Element &e, unsigned &priority, Word &budget, Word &period) const {
        budget = number(e, "budget", 1000);
        period = number(e, "period", budget);
        if (budget > period)
            fail(e.where, "budget (" + std::to_string(budget) +
                              ") must be less than, or equal to, period (" +
                              std::to_string(period) + ")");
        const Word p = number(e, "priority", 0);
        if (p > max_priority)
            fail(e.where, "priority must be between 0 and " + std::to_string(max_priority));
        priority = static_cast<unsigned>(p);
    }

    VirtualMachine parse_vm(const Element &e, unsigned pd_cpu) const {
        const bool arm = target.arch == "aarch64";
        if (arm)
            allow(e, {"name", "budget", "period", "priority"});
        else
            allow(e, {"name"});
        VirtualMachine vm;
        vm.where = e.where;
        vm.name = need(e, "name");
        if (arm)
            parse_sched(e, vm.priority, vm.budget, vm.period);
        for (const auto &child : e.children) {
            const Element &c = *child;
            if (c.name == "vcpu") {
                allow(c, {"id", "setvar_id", "cpu"});
                Vcpu vcpu;
                vcpu.where = c.where;
                const Word id = number(c, need(c, "id"));
                if (id > max_id)
                    fail(c.where, "id must be < " + std::to_string(max_id + 1));
                vcpu.id = static_cast<unsigned>(id);
                for (const auto &other : vm.vcpus)
                    if (other.id == vcpu.id)
                        fail(c.where, "duplicate vcpu id " + std::to_string(id) +
                                          " in virtual machine '" + vm.name + "'");
                if (const auto *s = c.attribute("setvar_id"))
                    vcpu.setvar_id = *s;
                const auto *cpu = c.attribute("cpu");
                vcpu.cpu = cpu != nullptr ? parse_cpu(c, *cpu) : pd_cpu;
                vm.vcpus.push_back(vcpu);
            } else if (c.name == "map") {
                vm.maps.push_back(parse_map(c, false, vm_max_vaddr()));
            } else {
                invalid_element(c);
            }
        }
        if (vm.vcpus.empty())
            fail(e.where, "missing 'vcpu' element on virtual_machine: '" + vm.name + "'");
        return vm;
    }

    Word vm_max_vaddr() const {
        return target.user_vspace_top == ~Word{0} ? ~Word{0} : target.user_vspace_top + 1;
    }

    std::size_t parse_pd(const Element &e, std::optional<std::size_t> parent) {
        const bool child = parent.has_value();
        if (child)
            allow(e, {"name", "priority", "budget", "period", "passive", "stack_size", "smc",
                      "cpu", "domain", "fpu", "id", "setvar_id"});
        else
            allow(e, {"name", "priority", "budget", "period", "passive", "stack_size", "smc",
                      "cpu", "domain", "fpu"});
        ProtectionDomain pd;
        pd.where = e.where;
        pd.parent = parent;
        pd.name = need(e, "name");
        if (child) {
            const Word id = number(e, need(e, "id"));
            if (id > max_id)
                fail(e.where, "id must be < " + std::to_string(max_id + 1));
            pd.id = static_cast<unsigned>(id);
            if (const auto *s = e.attribute("setvar_id"))
                pd.setvar_id = *s;
        }
        parse_sched(e, pd.priority, pd.budget, pd.period);
        pd.passive = boolean(e, "passive", false);
        pd.stack_size = number(e, "stack_size", default_stack_size);
        pd.smc = boolean(e, "smc", false);
        if (pd.smc) {
            if (target.arch != "aarch64")
                fail(e.where, "ARM SMC forwarding support is not available for this architecture");
            if (!target.arm_smc)
                fail(e.where, "Using SMC support without ARM SMC forwarding support enabled in "
                              "the kernel for this platform");
        }
        pd.cpu = parse_cpu(e, e.attribute("cpu") != nullptr ? *e.attribute("cpu") : "0");
        if (const auto *d = e.attribute("domain"))
            pd.domain = *d;
        if (pd.stack_size < min_stack_size || pd.stack_size > max_stack_size)
            fail(e.where, "stack size must be between " + hex(min_stack_size) + " bytes and " +
                              hex(max_stack_size) + " bytes");
        if (pd.stack_size % small_page != 0)
            fail(e.where, "stack size must be aligned to the smallest page size, " +
                              std::to_string(small_page) + " bytes");
        pd.fpu = boolean(e, "fpu", true);

        const std::size_t index = sd.pds.size();
        sd.pds.emplace_back();
        symbols.emplace_back();
        std::vector<std::string> syms;
        std::vector<std::size_t> children;
        bool have_image = false, have_cspace = false;
        for (const auto &node : e.children) {
            const Element &c = *node;
            if (c.name == "program_image") {
                allow(c, {"path", "path_for_symbols"});
                if (have_image)
                    fail(e.where, "program_image must only be specified once");
                have_image = true;
                const std::string &path = need(c, "path");
                const auto found = resolve(path);
                if (!found)
                    fail(c.where, "unable to find program image: '" + path + "'");
                pd.program_image = *found;
                if (const auto *s = c.attribute("path_for_symbols")) {
                    const auto symbols_found = resolve(*s);
                    if (!symbols_found)
                        fail(c.where, "unable to find program image for symbols: '" + *s + "'");
                    pd.path_for_symbols = *symbols_found;
                }
            } else if (c.name == "map") {
                Map m = parse_map(c, true, stack_bottom(pd.stack_size));
                for (const auto *s : {&m.setvar_vaddr, &m.setvar_size, &m.setvar_prefill_size})
                    if (*s)
                        add_symbol(syms, **s, c);
                if (m.setvar_prefill_size) {
                    setvar_prefill_at.push_back(c.where);
                    setvar_prefill_mr.push_back(m.mr);
                }
                pd.maps.push_back(std::move(m));
            } else if (c.name == "irq") {
                pd.irqs.push_back(parse_irq(c, syms));
            } else if (c.name == "ioport") {
                pd.ioports.push_back(parse_ioport(c, e, syms));
            } else if (c.name == "setvar") {
                allow(c, {"symbol", "region_paddr"});
                SetVar v;
                v.where = c.where;
                v.symbol = need(c, "symbol");
                v.region = need(c, "region_paddr");
                add_symbol(syms, v.symbol, c);
                pd.setvars.push_back(std::move(v));
            } else if (c.name == "protection_domain") {
                const std::size_t k = parse_pd(c, index);
                if (sd.pds[k].setvar_id)
                    add_symbol(syms, *sd.pds[k].setvar_id, c);
                children.push_back(k);
            } else if (c.name == "virtual_machine") {
                if (!target.virtual_machines())
                    fail(e.where, "seL4 has not been built as a hypervisor, virtual machines are "
                                  "disabled");
                if (pd.virtual_machine)
                    fail(e.where, "virtual_machine must only be specified once");
                pd.virtual_machine = parse_vm(c, pd.cpu);
                for (const auto &vcpu : pd.virtual_machine->vcpus)
                    if (vcpu.setvar_id)
                        add_symbol(syms, *vcpu.setvar_id, c);
            } else if (c.name == "cspace") {
                if (have_cspace)
                    fail(e.where, "cspace must only be specified once");
                have_cspace = true;
                pd.cspace = parse_cspace(c);
            } else {
                fail(c.where, "Invalid XML element '" + c.name + "'");
            }
        }
        if (!have_image)
            fail(e.where, "missing 'program_image' element on protection_domain: '" + pd.name + "'");

        std::vector<unsigned> child_ids;
        for (const std::size_t k : children) {
            const ProtectionDomain &c = sd.pds[k];
            if (std::find(child_ids.begin(), child_ids.end(), *c.id) != child_ids.end())
                fail(c.where, "duplicate id: " + std::to_string(*c.id) +
                                  " in protection domain: '" + pd.name + "'");
            if (pd.virtual_machine)
                for (const auto &vcpu : pd.virtual_machine->vcpus)
                    if (vcpu.id == *c.id)
                        fail(c.where, "duplicate id: " + std::to_string(*c.id) +
                                          " clashes with virtual machine vcpu id in protection "
                                          "domain: '" + pd.name + "'");
            child_ids.push_back(*c.id);
        }
        sd.pds[index] = std::move(pd);
        symbols[index] = std::move(syms);
        return index;
    }

    // ---- memory regions --------------------------------------------------------------------

    MemoryRegion parse_mr(const Element &e) const {
        allow(e, {"name", "size", "page_size", "phys_addr", "prefill_path", "prefill_bootinfo"});
        MemoryRegion mr;
        mr.where = e.where;
        mr.name = need(e, "name");
        mr.page_size = small_page;
        if (const auto *p = e.attribute("page_size")) {
            mr.page_size_given = true;
            mr.page_size = number(e, *p);
        }
        if (std::find(page_sizes.begin(), page_sizes.end(), mr.page_size) == page_sizes.end())
            fail(e.where, "page size " + hex(mr.page_size) + " not supported");
        std::optional<Word> prefill;
        if (const auto *path = e.attribute("prefill_path")) {
            const auto found = resolve(*path);
            if (!found)
                fail(e.where, "unable to find prefill file: '" + *path + "'");
            std::error_code ec;
            const auto length = fs::file_size(*found, ec);
            std::ifstream readable(*found, std::ios::binary);
            if (ec || !readable)
                fail(e.where, "failed to read file '" + *path + "' at prefill_path");
            if (length == 0)
                fail(e.where, "prefill file '" + *path + "' is empty");
            mr.prefill_path = *found;
            mr.prefill_size = length;
            prefill = length;
        }
        if (const auto *b = e.attribute("prefill_bootinfo")) {
            static const std::pair<const char *, BootInfoPrefill> kinds[] = {
                {"x86_vbe", BootInfoPrefill::x86_vbe},
                {"x86_mbmmap", BootInfoPrefill::x86_mbmmap},
                {"x86_acpi_rsdp", BootInfoPrefill::x86_acpi_rsdp},
                {"x86_framebuffer", BootInfoPrefill::x86_framebuffer},
                {"x86_tsc_freq", BootInfoPrefill::x86_tsc_freq},
                {"fdt", BootInfoPrefill::fdt}};
            for (const auto &[name, kind] : kinds)
                if (*b == name)
                    mr.prefill_bootinfo = kind;
            if (!mr.prefill_bootinfo)
                fail(e.where, "BootInfoMap type: '" + *b + "' is not supported");
        }
        if (prefill && mr.prefill_bootinfo)
            fail(e.where, "prefill_path and prefill_bootinfo cannot be both specified");
        if (const auto *s = e.attribute("size")) {
            mr.size = number(e, *s);
            if (mr.size % mr.page_size != 0)
                fail(e.where, "size is not a multiple of the page size");
            if (prefill && *prefill > mr.size)
                fail(e.where, "size of prefill file exceeds memory region size: " +
                                  hex(*prefill, false) + " > " + hex(mr.size, false));
        } else if (mr.prefill_bootinfo) {
            mr.size = mr.page_size;
        } else if (prefill) {
            if (*prefill > ~Word{0} - (mr.page_size - 1))
                fail(e.where, "size of prefill file is too large");
            mr.size = (*prefill + mr.page_size - 1) / mr.page_size * mr.page_size;
        } else {
            fail(e.where, "size must be specified if memory region is not prefilled");
        }
        if (const auto *p = e.attribute("phys_addr")) {
            mr.phys_addr = number(e, *p);
            if (*mr.phys_addr % mr.page_size != 0)
                fail(e.where, "phys_addr is not aligned to the page size");
        }
        return mr;
    }

    // ---- channels --------------------------------------------------------------------------

    Channel parse_channel(const Element &e) const {
        allow(e, {});
        std::vector<ChannelEnd> ends;
        for (const auto &node : e.children) {
            const Element &c = *node;
            if (c.name != "end")
                invalid_element(c);
            allow(c, {"pd", "id", "pp", "notify", "setvar_id"});
            ChannelEnd end;
            end.where = c.where;
            const std::string &pd = need(c, "pd");
            const Word id = non_negative(c, need(c, "id"), "id must be >= 0");
            if (id > max_id)
                fail(c.where, "id must be < " + std::to_string(max_id + 1));
            end.id = static_cast<unsigned>(id);
            end.notify = boolean(c, "notify", true);
            end.pp = boolean(c, "pp", false);
            const auto index = sd.find_pd(pd);
            if (!index)
                fail(c.where, "invalid PD name '" + pd + "'");
            end.pd = *index;
            if (const auto *s = c.attribute("setvar_id"))
                end.setvar_id = *s;
            ends.push_back(std::move(end));
        }
        if (ends.size() != 2)
            fail(e.where, "exactly two end elements must be specified");
        if (ends[0].pp && ends[1].pp)
            fail(e.where, "cannot ppc bidirectionally");
        Channel ch;
        ch.where = e.where;
        ch.a = std::move(ends[0]);
        ch.b = std::move(ends[1]);
        return ch;
    }

    // ---- io address spaces -----------------------------------------------------------------

    IoAddressSpace parse_io_address_space(const Element &e) const {
        if (!target.iommu)
            fail(e.where, "io address space requires seL4 to be built with IOMMU support");
        allow(e, {"name", "peripheral_id", "domain_id"});
        IoAddressSpace space;
        space.where = e.where;
        space.name = need(e, "name");
        for (const auto &other : sd.io_address_spaces)
            if (other.name == space.name)
                fail(e.where, "duplicate device name '" + space.name + "'");
        if (target.arch == "x86_64") {
            space.domain_id = number(e, need(e, "domain_id"));
            for (const auto &other : sd.io_address_spaces)
                if (other.domain_id == space.domain_id)
                    fail(e.where, "reusing a domain id is forbidden");
        }
        const std::string &id = need(e, "peripheral_id");
        if (target.arch != "x86_64")
            fail(e.where, "failed to parse device peripheral_id '" + id +
                              "': IOMMU device identifiers are not supported on " +
                              (target.arch == "aarch64" ? "AArch64" : "RISC-V (64-bit)"));
        std::string why;
        const auto pci = parse_pci(id, why);
        if (!pci)
            fail(e.where, "failed to parse device peripheral_id '" + id + "': " + why);
        space.pci_bus = pci->bus;
        space.pci_dev = pci->dev;
        space.pci_func = pci->func;
        for (const auto &other : sd.io_address_spaces)
            if (other.pci_bus == pci->bus && other.pci_dev == pci->dev &&
                other.pci_func == pci->func)
                fail(e.where, "duplicate device peripheral_id 'PCI device " +
                                  pci_text(pci->bus, pci->dev, pci->func) + "'");
        for (const auto &node : e.children) {
            const Element &c = *node;
            if (c.name != "iomap")
                invalid_element(c);
            allow(c, {"mr", "iovaddr", "perms"});
            IoMap m;
            m.where = c.where;
            m.mr = need(c, "mr");
            m.iovaddr = number(c, need(c, "iovaddr"));
            if (m.iovaddr > max_iova)
                fail(c.where, "iovaddr (" + hex(m.iovaddr) + ") must be less than " +
                                  hex(max_iova + 1));
            if (const auto *p = c.attribute("perms")) {
                m.perms = {};
                for (char ch : *p) {
                    if (ch == 'r')
                        m.perms.read = true;
                    else if (ch == 'w')
                        m.perms.write = true;
                    else
                        fail(c.where, "perms for io mapped memory must only be a combination of "
                                      "'r' and 'w'");
                }
                if (!m.perms.read && !m.perms.write)
                    fail(c.where, "perms for io mapped memory must only be a combination of 'r' "
                                  "and 'w'");
            }
            space.maps.push_back(std::move(m));
        }
        return space;
    }

    // ---- domains ---------------------------------------------------------------------------

    Domains parse_domains(const Element &e) const {
        allow(e, {});
        if (target.num_cores != 1)
            fail(e.where, "The domain scheduler is not supported in multicore builds of seL4");
        Domains d;
        d.where = e.where;
        const Element *schedule = nullptr;
        for (const auto &node : e.children) {
            const Element &c = *node;
            if (c.name == "domain") {
                allow(c, {"name", "id"});
                Domain dom;
                dom.where = c.where;
                dom.name = need(c, "name");
                if (const auto *s = c.attribute("id")) {
                    const Word id = number(c, *s);
                    if (id >= target.num_domains)
                        fail(c.where, "domain id " + std::to_string(id) +
                                          " should be less than the configured KernelNumDomains "
                                          "value of " + std::to_string(target.num_domains));
                    dom.id = static_cast<unsigned>(id);
                }
                for (const auto &other : d.domains) {
                    if (other.name == dom.name)
                        fail(c.where, "Each <domain>'s name element must be unique found existing "
                                      "domain '" + dom.name + "'");
                    if (dom.id && other.id == dom.id)
                        fail(c.where, "Each <domain>'s id element must be unique found existing "
                                      "domain '" + other.name + "' with id '" +
                                      std::to_string(*dom.id) + "'");
                }
                d.domains.push_back(std::move(dom));
            } else if (c.name == "domain_schedule") {
                if (schedule != nullptr)
                    fail(c.where, "The <domain_schedule> element can only appear once");
                schedule = &c;
            } else {
                invalid_element(c, "as child of <domains> ");
            }
        }
        if (schedule == nullptr)
            fail(e.where, "The <domain_schedule> element must appear once");
        // Domains without an id get the smallest free ones, in document order.
        std::set<unsigned> taken;
        for (const auto &dom : d.domains)
            if (dom.id)
                taken.insert(*dom.id);
        for (auto &dom : d.domains) {
            if (dom.id) {
                dom.kernel_id = *dom.id;
                continue;
            }
            unsigned id = 0;
            while (id < target.num_domains && taken.count(id) != 0)
                ++id;
            if (id >= target.num_domains)
                fail(e.where, "Number of domains exceeds " + std::to_string(target.num_domains));
            taken.insert(id);
            dom.kernel_id = id;
        }

        const Element &s = *schedule;
        allow(s, {"index_shift", "start_index"});
        if (const auto *v = s.attribute("start_index"))
            d.start_index = number(s, *v);
        if (const auto *v = s.attribute("index_shift"))
            d.index_shift = number(s, *v);
        for (const auto &node : s.children) {
            const Element &c = *node;
            if (c.name == "schedule_entry") {
                if (d.end_marker)
                    fail(c.where, "a <schedule_entry> after the <schedule_end_marker> is not "
                                  "supported");
                d.schedule.push_back(parse_schedule_entry(c, d));
            } else if (c.name == "schedule_end_marker") {
                allow(c, {});
                if (d.end_marker)
                    fail(c.where, "The <schedule_end_marker> element can only appear once");
                d.end_marker = true;
            } else {
                invalid_element(c, "as child of <domain_schedule> ");
            }
        }
        // The kernel's schedule holds the end marker as an entry of its own.
        const Word length = d.schedule.size() + (d.end_marker ? 1 : 0);
        if (length >= target.num_domain_schedules)
            fail(s.where, "More than configured KernelNumDomainSchedules " +
                              std::to_string(target.num_domain_schedules) +
                              " number of <schedule_entry> elements found");
        const Word start = d.start_index.value_or(0);
        if (start >= length)
            fail(s.where, "schedule_start_index '" + std::to_string(start) +
                              "' is greater than the length of the schedule '" +
                              std::to_string(length) + "'");
        if (d.index_shift && *d.index_shift >= target.num_domain_schedules - length)
            fail(s.where, "schedule_index_shift '" + std::to_string(*d.index_shift) +
                              "' on top of the schedule length '" + std::to_string(length) +
                              "' would exceed than the configured KernelNumDomainSchedules " +
                              std::to_string(target.num_domain_schedules));
        return d;
    }

    ScheduleEntry parse_schedule_entry(const Element &e, const Domains &d) const {
        allow(e, {"domain", "duration"});
        ScheduleEntry entry;
        entry.where = e.where;
        const std::string &name = need(e, "domain");
        const std::string &duration = need(e, "duration");
        const auto dom = std::find_if(d.domains.begin(), d.domains.end(),
                                      [&](const Domain &x) { return x.name == name; });
        if (dom == d.domains.end())
            fail(e.where, "domain '" + name + "' does not exist");
        entry.domain = static_cast<std::size_t>(dom - d.domains.begin());
        const auto space = duration.find(' ');
        if (space == std::string::npos)
            fail(e.where, "The duration '" + duration +
                              "' must contain a value and a unit, e.g. '1000 us'");
        entry.duration = number(e, duration.substr(0, space));
        if (entry.duration == 0)
            fail(e.where, "The duration '" + duration + "' must be non-zero");
        const std::string unit = duration.substr(space + 1);
        if (unit == "ticks")
            entry.in_ticks = true;
        else if (unit != "us")
            fail(e.where, "The duration '" + duration + "' must be in either 'ticks' or 'us'");
        return entry;
    }

    // ---- the whole system ------------------------------------------------------------------

    struct MapView {
        const std::string &mr;
        Word addr;
        const Location &where;
    };

    // Microkit's check_maps: each map names an MR, is aligned to its page size, ends within
    // [0, max_end) and overlaps no other map of the same address space.
    void check_maps(const std::vector<MapView> &maps, const char *element, const char *addr_name,
                    const char *range_name, const std::string &space, Word max_end) const {
        struct Range {
            const std::string *mr;
            Word start, end;
        };
        std::vector<Range> seen;
        for (const MapView &m : maps) {
            const auto index = sd.find_mr(m.mr);
            if (!index)
                fail(m.where, "invalid memory region name '" + m.mr + "' on '" + element + "'");
            const MemoryRegion &mr = sd.memory_regions[*index];
            if (m.addr % mr.page_size != 0)
                fail(m.where, std::string("invalid ") + addr_name + " alignment on '" + element +
                                  "'");
            if (m.addr + mr.size < m.addr)
                fail(m.where, std::string(element) + " for '" + m.mr +
                                  "' has address range that overflows");
            const Word end = m.addr + mr.size;
            if (end > max_end)
                fail(m.where, std::string(element) + " for '" + m.mr + "' has " + range_name +
                                  " [" + hex(m.addr) + ".." + hex(end) +
                                  ") which exceeds valid address space [0x0.." + hex(max_end) +
                                  ")");
            for (const Range &r : seen)
                if (!(m.addr >= r.end || end <= r.start))
                    fail(m.where, "map for '" + m.mr + "' has " + range_name + " [" +
                                      hex(m.addr) + ".." + hex(end) +
                                      ") which overlaps with map for '" + *r.mr + "' [" +
                                      hex(r.start) + ".." + hex(r.end) + ") in " + space);
            seen.push_back({&m.mr, m.addr, end});
        }
    }

    void check_system(const Element &system) {
        // cspace caps name PDs anywhere in the system.
        for (const auto &pd : sd.pds)
            for (const auto &cap : pd.cspace)
                if (!sd.find_pd(cap.pd))
                    fail(cap.where, "unknown PD name '" + cap.pd + "'");

        if (sd.pds.empty())
            fail(system.where, "at least one protection domain must be defined");
        if (sd.pds.size() > max_pds)
            fail(sd.pds[max_pds].where, "too many protection domains (" +
                                            std::to_string(sd.pds.size()) +
                                            ") defined. Maximum is " + std::to_string(max_pds) +
                                            ".");
        for (std::size_t i = 0; i < sd.pds.size(); ++i) {
            const auto &pd = sd.pds[i];
            if (sd.find_pd(pd.name) != i)
                fail(pd.where, "duplicate protection domain name '" + pd.name + "'.");
            if (pd.name == "monitor")
                fail(pd.where, "the PD name 'monitor' is reserved for the Microkit Monitor.");
        }
        for (std::size_t i = 0; i < sd.memory_regions.size(); ++i) {
            const auto &mr = sd.memory_regions[i];
            if (sd.find_mr(mr.name) != i)
                fail(mr.where, "duplicate memory region name '" + mr.name + "'.");
        }

        // Domains: every PD names one iff there are domains, regardless of the order.
        const bool have_domains = sd.domains && !sd.domains->domains.empty();
        for (auto &pd : sd.pds) {
            if (!have_domains) {
                if (pd.domain)
                    fail(pd.where, "Specifying a domain '" + *pd.domain +
                                       "' without declaring a domain schedule is not allowed");
                continue;
            }
            if (!pd.domain)
                fail(pd.where, "Missing required attribute 'domain' on element "
                               "'protection_domain'");
            const auto &doms = sd.domains->domains;
            const auto it = std::find_if(doms.begin(), doms.end(),
                                         [&](const Domain &d) { return d.name == *pd.domain; });
            if (it == doms.end())
                fail(pd.where, "domain '" + *pd.domain + "' not declared in <domains>");
            pd.domain_index = static_cast<std::size_t>(it - doms.begin());
        }

        std::vector<const std::string *> vms;
        const bool x86 = target.arch == "x86_64";
        for (std::size_t i = 0; i < sd.pds.size(); ++i) {
            const auto &pd = sd.pds[i];
            if (!pd.virtual_machine)
                continue;
            for (const auto *name : vms)
                if (*name == pd.virtual_machine->name)
                    fail(pd.virtual_machine->where,
                         "duplicate virtual machine name '" + *name + "'.");
            vms.push_back(&pd.virtual_machine->name);
            const bool has_children = std::any_of(sd.pds.begin(), sd.pds.end(), [&](const auto &p) {
                return p.parent == i;
            });
            if (x86 && has_children)
                fail(pd.where, "It is not possible for PD '" + pd.name +
                                   "' with a bound vCPU to have children on x86_64");
        }

        // An IRQ (the vector on x86) is claimed once in the system.
        std::vector<Word> irqs;
        for (const auto &pd : sd.pds)
            for (const auto &irq : pd.irqs) {
                const Word n = irq.kind == IrqKind::conventional ? irq.irq : irq.vector;
                if (std::find(irqs.begin(), irqs.end(), n) != irqs.end())
                    fail(irq.where, "duplicate irq: " + std::to_string(n) +
                                        " in protection domain: '" + pd.name + "'");
                irqs.push_back(n);
            }

        // Channel and IRQ ids share a namespace per PD.
        std::vector<std::vector<unsigned>> ids(sd.pds.size());
        const auto claim = [&](std::size_t pd, unsigned id, const Location &where) {
            auto &v = ids[pd];
            if (std::find(v.begin(), v.end(), id) != v.end())
                fail(where, "duplicate channel id: " + std::to_string(id) +
                                " in protection domain: '" + sd.pds[pd].name + "'");
            v.push_back(id);
        };
        for (std::size_t i = 0; i < sd.pds.size(); ++i)
            for (const auto &irq : sd.pds[i].irqs)
                claim(i, irq.id, irq.where);
        for (const auto &ch : sd.channels) {
            claim(ch.a.pd, ch.a.id, ch.a.where);
            if (ch.a.pd == ch.b.pd && ch.a.id == ch.b.id)
                fail(ch.b.where, "duplicate channel id: " + std::to_string(ch.b.id) +
                                     " in protection domain: '" + sd.pds[ch.b.pd].name + "'");
            claim(ch.b.pd, ch.b.id, ch.b.where);
            const auto &a = sd.pds[ch.a.pd];
            const auto &b = sd.pds[ch.b.pd];
            const auto ppc = [&](const ProtectionDomain &from, const ProtectionDomain &to) {
                if (from.priority >= to.priority)
                    fail(ch.where, "PPCs must be to protection domains of strictly higher "
                                   "priorities; channel with PPC exists from pd " + from.name +
                                       " (priority: " + std::to_string(from.priority) +
                                       ") to pd " + to.name + " (priority: " +
                                       std::to_string(to.priority) + ")");
                if (x86 && to.virtual_machine)
                    fail(ch.where, "It is not possible to PPC to PD '" + to.name +
                                       "' with a bound vCPU from PD '" + from.name +
                                       "' on x86_64");
            };
            if (ch.a.pp)
                ppc(a, b);
            if (ch.b.pp)
                ppc(b, a);
        }
        // Setvars of channel ends, in their PDs' namespace of symbols.
        for (const auto &ch : sd.channels)
            for (const ChannelEnd *end : {&ch.a, &ch.b})
                if (end->setvar_id) {
                    auto &syms = symbols[end->pd];
                    if (std::find(syms.begin(), syms.end(), *end->setvar_id) != syms.end())
                        fail(ch.where, "setvar on symbol '" + *end->setvar_id +
                                           "' already exists");
                    syms.push_back(*end->setvar_id);
                }

        // I/O ports: ids unique per PD, ranges disjoint in the system.
        struct Port {
            const IoPort *port;
            const std::string *pd;
        };
        std::vector<Port> ports;
        for (const auto &pd : sd.pds) {
            std::vector<unsigned> seen;
            for (const auto &port : pd.ioports) {
                if (std::find(seen.begin(), seen.end(), port.id) != seen.end())
                    fail(port.where, "duplicate I/O port id: " + std::to_string(port.id) +
                                         " in protection domain: '" + pd.name + "'");
                seen.push_back(port.id);
            }
        }
        for (const auto &pd : sd.pds)
            for (const auto &port : pd.ioports) {
                for (const Port &other : ports) {
                    const IoPort &o = *other.port;
                    if (port.addr < o.addr + o.size && o.addr < port.addr + port.size)
                        fail(port.where,
                             "I/O port id: " + std::to_string(port.id) + ", half-open range: [" +
                                 hex(port.addr) + ", " + hex(port.addr + port.size) +
                                 ") in protection domain: '" + pd.name +
                                 "' overlaps with I/O port id: " + std::to_string(o.id) +
                                 ", half-open range: [" + hex(o.addr) + ", " + hex(o.addr + o.size) +
                                 ") in protection domain: '" + *other.pd + "' @ " + o.where.text());
                }
                ports.push_back({&port, &pd.name});
            }

        // Maps, against the page sizes as given (before the tool picks larger ones).
        for (const auto &pd : sd.pds) {
            std::vector<MapView> maps;
            for (const auto &m : pd.maps)
                maps.push_back({m.mr, m.vaddr, m.where});
            check_maps(maps, "map", "vaddr", "virtual address range",
                       "protection domain '" + pd.name + "'", stack_bottom(pd.stack_size));
            if (pd.virtual_machine) {
                std::vector<MapView> vm_maps;
                for (const auto &m : pd.virtual_machine->maps)
                    vm_maps.push_back({m.mr, m.vaddr, m.where});
                check_maps(vm_maps, "map", "vaddr", "virtual address range",
                           "virtual machine '" + pd.virtual_machine->name + "'", vm_max_vaddr());
            }
        }
        for (const auto &space : sd.io_address_spaces)
            for (const auto &m : space.maps)
                if (const auto mr = sd.find_mr(m.mr);
                    mr && sd.memory_regions[*mr].page_size == large_page)
                    fail(m.where, "currently seL4 does not have large page support for the IOMMU");
        for (const auto &space : sd.io_address_spaces) {
            std::vector<MapView> maps;
            for (const auto &m : space.maps)
                maps.push_back({m.mr, m.iovaddr, m.where});
            check_maps(maps, "iomap", "iovaddr", "io address range",
                       "PCI device " + pci_text(space.pci_bus, space.pci_dev, space.pci_func),
                       max_iova + 1);
        }

        // User caps: one per slot.
        for (const auto &pd : sd.pds) {
            std::map<unsigned, const CspaceCap *> slots;
            for (const auto &cap : pd.cspace) {
                const auto [it, fresh] = slots.emplace(cap.slot, &cap);
                if (fresh)
                    continue;
                static const char *const names[] = {"Tcb", "Sc", "VSpace"};
                std::string lines;
                for (const CspaceCap *c : {it->second, &cap})
                    lines += "\n  type " + std::string(names[static_cast<int>(c->type)]) +
                             " from '" + c->pd + "' at '" + c->where.text() + "'";
                fail(cap.where, "overlapping user caps in slot " + std::to_string(cap.slot) +
                                    " of protection domain '" + pd.name + "':" + lines);
            }
        }

        // Physical ranges given do not overlap.
        for (std::size_t i = 0; i < sd.memory_regions.size(); ++i) {
            const auto &mr = sd.memory_regions[i];
            if (!mr.phys_addr)
                continue;
            const Word start = *mr.phys_addr;
            if (start + mr.size < start)
                fail(mr.where, "memory region '" + mr.name + "' physical address range [" +
                                   hex(start) + "..+" + hex(mr.size) + ") overflows");
            const Word end = start + mr.size;
            for (std::size_t j = 0; j < i; ++j) {
                const auto &o = sd.memory_regions[j];
                if (!o.phys_addr)
                    continue;
                const Word o_start = *o.phys_addr, o_end = o_start + o.size;
                if (!(start >= o_end || end <= o_start))
                    fail(mr.where, "memory region '" + mr.name + "' physical address range [" +
                                       hex(start) + ".." + hex(end) +
                                       ") overlaps with another memory region '" + o.name +
                                       "' [" + hex(o_start) + ".." + hex(o_end) + ")");
            }
        }

        // Unused MRs (only PD and VM maps count, as in Microkit), then the page sizes.
        for (auto &mr : sd.memory_regions) {
            std::vector<Word> addrs;
            for (const auto &pd : sd.pds) {
                for (const auto &m : pd.maps)
                    if (m.mr == mr.name)
                        addrs.push_back(m.vaddr);
                if (pd.virtual_machine)
                    for (const auto &m : pd.virtual_machine->maps)
                        if (m.mr == mr.name)
                            addrs.push_back(m.vaddr);
            }
            if (addrs.empty())
                sd.warnings.push_back("WARNING: unused memory region '" + mr.name + "'");
            const bool io_mapped = std::any_of(
                sd.io_address_spaces.begin(), sd.io_address_spaces.end(), [&](const auto &s) {
                    return std::any_of(s.maps.begin(), s.maps.end(),
                                       [&](const IoMap &m) { return m.mr == mr.name; });
                });
            if (mr.page_size_given || io_mapped)
                continue;
            if (mr.phys_addr)
                addrs.push_back(*mr.phys_addr);
            for (auto size = page_sizes.rbegin(); size != page_sizes.rend(); ++size) {
                if (*size <= mr.page_size)
                    break;
                if (mr.size % *size == 0 &&
                    std::all_of(addrs.begin(), addrs.end(), [&](Word a) { return a % *size == 0; })) {
                    mr.page_size = *size;
                    break;
                }
            }
        }

        for (std::size_t i = 0; i < setvar_prefill_mr.size(); ++i)
            if (const auto mr = sd.find_mr(setvar_prefill_mr[i]);
                mr && !sd.memory_regions[*mr].prefill_path)
                fail(setvar_prefill_at[i], "'setvar_prefill_size' used for MR without a "
                                           "`prefill_path`: '" + setvar_prefill_mr[i] + "'");
        for (const auto &pd : sd.pds)
            for (const auto &v : pd.setvars) {
                const auto mr = sd.find_mr(v.region);
                if (!mr)
                    fail(v.where, "invalid memory region name '" + v.region + "' on 'setvar'");
                auto &region = sd.memory_regions[*mr];
                if (region.phys_addr)
                    continue;
                if (x86)
                    fail(region.where, "setvar with 'region_paddr' for MR without a specified "
                                       "paddr is unsupported on x86-64: '" + region.name + "'");
                region.paddr_by_tool = true;
            }
    }

    void parse_system(const Element &system) {
        if (system.name != "system")
            fail(system.where, "the root element must be 'system', not '" + system.name + "'");
        allow(system, {});
        std::vector<const Element *> channels;
        for (const auto &node : system.children) {
            const Element &c = *node;
            if (c.name == "protection_domain") {
                parse_pd(c, std::nullopt);
            } else if (c.name == "channel") {
                channels.push_back(&c);
            } else if (c.name == "memory_region") {
                sd.memory_regions.push_back(parse_mr(c));
            } else if (c.name == "io_address_space") {
                sd.io_address_spaces.push_back(parse_io_address_space(c));
            } else if (c.name == "virtual_machine") {
                fail(c.where, "virtual machine must be a child of a protection domain");
            } else if (c.name == "domains") {
                if (sd.domains)
                    fail(c.where, "domains must only be specified once");
                sd.domains = parse_domains(c);
            } else {
                invalid_element(c);
            }
        }
        for (const Element *c : channels)
            sd.channels.push_back(parse_channel(*c));
        check_system(system);
    }
};

} // namespace

SystemDescription parse(const std::string &text, const std::string &file, const Target &target,
                        const std::vector<std::string> &search_path) {
    const auto root = xml::read(text, file);
    Parser p{target, file, search_path, {}, {}, {}, {}, nullptr};
    p.parse_system(*root);
    return std::move(p.sd);
}

SystemDescription parse_file(const std::string &path, const Target &target,
                             const std::vector<std::string> &search_path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": error: cannot read the system description");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw Error(path + ": error: cannot read the system description");
    return parse(text, path, target, search_path);
}

} // namespace sel4::microkit::sdf
