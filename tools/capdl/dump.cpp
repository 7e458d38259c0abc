#include "dump.hpp"

#include <cstdio>
#include <sstream>

namespace capdl_tool {

using namespace sel4::capdl;

namespace {

std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "%#llx", static_cast<unsigned long long>(value));
    return text;
}

// An object's name in the text: its own, or object_<index> when it has none.
std::string label(const Spec &spec, ObjectId id) {
    if (id >= spec.objects.size()) return "<object " + std::to_string(id) + " missing>";
    const auto &name = spec.objects[id].name;
    return name ? *name : "object_" + std::to_string(id);
}

std::string rights(const Rights &r) {
    std::string text;
    if (r.read) text += 'R';
    if (r.write) text += 'W';
    if (r.grant) text += 'G';
    if (r.grant_reply) text += 'P';
    return text.empty() ? "-" : text;
}

std::string paddr(const std::optional<Word> &address) { return address ? ", paddr: " + hex(*address) : ""; }

// The parenthesised settings of an object, after its kind.
std::string settings(const Object &object) {
    return std::visit(
        [](const auto &o) -> std::string {
            using T = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<T, object::Untyped>) {
                return " (" + std::to_string(o.size_bits) + " bits" + paddr(o.paddr) + ")";
            } else if constexpr (std::is_same_v<T, object::CNode>) {
                return " (" + std::to_string(o.size_bits) + " bits)";
            } else if constexpr (std::is_same_v<T, object::Tcb>) {
                const object::TcbExtra &e = o.extra;
                std::string text = " (ip: " + hex(e.ip) + ", sp: " + hex(e.sp) + ", ipc_buffer_addr: " + hex(e.ipc_buffer_addr) +
                                   ", prio: " + std::to_string(e.prio) + ", max_prio: " + std::to_string(e.max_prio) +
                                   ", affinity: " + std::to_string(e.affinity) + (e.resume ? "" : ", suspended") +
                                   (e.fpu_disabled ? ", fpu disabled" : "");
                if (e.domain) text += ", domain: " + std::to_string(*e.domain);
                if (e.master_fault_ep) text += ", fault_ep: " + hex(*e.master_fault_ep);
                for (std::size_t i = 0; i < e.gprs.size(); ++i) text += ", gpr" + std::to_string(i) + ": " + hex(e.gprs[i]);
                return text + ")";
            } else if constexpr (std::is_same_v<T, object::Frame>) {
                return " (" + std::to_string(o.size_bits) + " bits" + paddr(o.paddr) + ")";
            } else if constexpr (std::is_same_v<T, object::PageTable>) {
                std::string text = " (";
                text += o.is_root ? "root" : "intermediate";
                if (o.level) text += ", level: " + std::to_string(*o.level);
                return text + (o.x86_ept ? ", ept)" : ")");
            } else if constexpr (std::is_same_v<T, object::AsidPool>) {
                return " (high: " + std::to_string(o.high) + ")";
            } else if constexpr (std::is_same_v<T, object::ArmIrq>) {
                return std::string(" (") + (o.trigger ? "edge" : "level") + ", target: " + std::to_string(o.target) + ")";
            } else if constexpr (std::is_same_v<T, object::RiscvIrq>) {
                return std::string(" (") + (o.trigger ? "edge" : "level") + ")";
            } else if constexpr (std::is_same_v<T, object::IrqIOApic>) {
                return " (ioapic: " + std::to_string(o.ioapic) + ", pin: " + std::to_string(o.pin) + ", level: " +
                       std::to_string(o.level) + ", polarity: " + std::to_string(o.polarity) + ")";
            } else if constexpr (std::is_same_v<T, object::IrqMsi>) {
                return " (handle: " + std::to_string(o.handle) + ", pci: " + std::to_string(o.pci_bus) + ":" +
                       std::to_string(o.pci_dev) + "." + std::to_string(o.pci_func) + ")";
            } else if constexpr (std::is_same_v<T, object::IOPorts>) {
                return " (ports: " + hex(o.start_port) + ".." + hex(o.end_port) + ")";
            } else if constexpr (std::is_same_v<T, object::SchedContext>) {
                return " (" + std::to_string(o.size_bits) + " bits, period: " + std::to_string(o.period) +
                       " us, budget: " + std::to_string(o.budget) + " us, badge: " + hex(o.badge) + ")";
            } else if constexpr (std::is_same_v<T, object::IOSpace>) {
                return " (domain: " + std::to_string(o.domain_id) + ", pci: " + std::to_string(o.pci_device.bus) + ":" +
                       std::to_string(o.pci_device.device) + "." + std::to_string(o.pci_device.function) + ")";
            } else if constexpr (std::is_same_v<T, object::IOPageTable>) {
                return " (level: " + std::to_string(o.level) + ")";
            } else {
                return "";
            }
        },
        object);
}

std::string cap_text(const Spec &spec, const Cap &cap) {
    std::string text = label(spec, cap.object) + " (" + std::string(name_of(cap.kind));
    switch (cap.kind) {
    case CapKind::Endpoint:
    case CapKind::Notification:
        text += ", " + rights(cap.rights);
        if (cap.badge != 0) text += ", badge: " + hex(cap.badge);
        break;
    case CapKind::CNode:
        text += ", guard: " + hex(cap.guard) + ", guard_size: " + std::to_string(cap.guard_size);
        break;
    case CapKind::Frame:
        text += ", " + rights(cap.rights) + (cap.cached ? "" : ", uncached") + (cap.executable ? ", executable" : "");
        break;
    default:
        break;
    }
    return text + ")";
}

} // namespace

std::string dump_cdl(const Spec &spec) {
    std::ostringstream out;
    out << "objects {\n";
    for (std::size_t i = 0; i < spec.objects.size(); ++i) {
        const auto id = static_cast<ObjectId>(i);
        out << "  " << label(spec, id) << " = " << kind_name(spec.objects[i].object) << settings(spec.objects[i].object);
        out << (id >= spec.root_objects.start && id < spec.root_objects.end ? "" : " (from a spec untyped)") << '\n';
        if (const auto *frame = std::get_if<object::Frame>(&spec.objects[i].object)) {
            for (const object::FillEntry &entry : frame->init) {
                out << "    fill [" << hex(entry.range.start) << ", " << hex(entry.range.end) << ") from ";
                if (const auto *file = std::get_if<object::FileData>(&entry.content)) {
                    out << file->file << " at " << hex(file->file_offset) << '\n';
                } else {
                    const auto &boot_info = std::get<object::BootInfoData>(entry.content);
                    out << "the BootInfo's chunk " << static_cast<int>(boot_info.id) << " at " << hex(boot_info.offset) << '\n';
                }
            }
        }
    }
    out << "}\n\ncaps {\n";
    for (std::size_t i = 0; i < spec.objects.size(); ++i) {
        const CapTable *slots = slots_of(spec.objects[i].object);
        if (slots == nullptr || slots->empty()) continue;
        out << "  " << label(spec, static_cast<ObjectId>(i)) << " {\n";
        for (const CapTableEntry &entry : *slots) out << "    " << hex(entry.slot) << ": " << cap_text(spec, entry.cap) << '\n';
        out << "  }\n";
    }
    out << "}\n";
    if (!spec.irqs.empty()) {
        out << "\nirq maps {\n";
        for (const IrqEntry &irq : spec.irqs) out << "  " << irq.irq << ": " << label(spec, irq.handler) << '\n';
        out << "}\n";
    }
    if (!spec.asid_slots.empty()) {
        out << "\nasid slots {\n";
        for (std::size_t i = 0; i < spec.asid_slots.size(); ++i) out << "  " << i << ": " << label(spec, spec.asid_slots[i]) << '\n';
        out << "}\n";
    }
    for (const UntypedCover &cover : spec.untyped_covers) {
        out << "\n" << label(spec, cover.parent) << " covers {";
        for (ObjectId id = cover.children.start; id < cover.children.end; ++id) out << ' ' << label(spec, id);
        out << " }\n";
    }
    return out.str();
}

} // namespace capdl_tool
