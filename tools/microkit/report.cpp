#include "report.hpp"

#include "elf_file.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

namespace sel4::microkit {
namespace {

std::string rights_text(const capdl::Rights &rights) {
    std::string text;
    if (rights.read) text += 'R';
    if (rights.write) text += 'W';
    if (rights.grant) text += 'G';
    if (rights.grant_reply) text += 'P';
    return text.empty() ? "-" : text;
}

std::string object_name(const capdl::Spec &spec, capdl::ObjectId id) {
    return id < spec.objects.size() ? spec.objects[id].name.value_or("#" + std::to_string(id)) : "?";
}

std::optional<Word> paddr_of(const capdl::Object &object) {
    if (const auto *frame = std::get_if<capdl::object::Frame>(&object)) return frame->paddr;
    if (const auto *untyped = std::get_if<capdl::object::Untyped>(&object)) return untyped->paddr;
    return std::nullopt;
}

} // namespace

Report make_report(const sdf::SystemDescription &system, const BuiltSystem &built,
                   const capdl_tool::AddSpecReport &initializer) {
    Report report{.initializer = initializer, .pds = built.pds, .irqs = {}, .tcbs = {}, .cnodes = {}, .objects = {},
                  .chosen_paddrs = built.chosen_paddrs};
    for (const sdf::ProtectionDomain &pd : system.pds) {
        for (const sdf::Irq &irq : pd.irqs) {
            Report::Irq entry{.pd = pd.name, .id = irq.id, .kind = {}, .number = irq.irq, .detail = {}};
            switch (irq.kind) {
            case sdf::IrqKind::conventional:
                entry.kind = "irq";
                entry.detail = std::string("trigger ") + (irq.trigger == sdf::Trigger::edge ? "edge" : "level") +
                               ", cpu " + std::to_string(pd.cpu);
                break;
            case sdf::IrqKind::ioapic:
                entry.kind = "ioapic";
                entry.number = irq.vector;
                entry.detail = "ioapic " + std::to_string(irq.ioapic) + ", pin " + std::to_string(irq.pin) +
                               (irq.trigger == sdf::Trigger::edge ? ", edge" : ", level") +
                               (irq.polarity == sdf::Polarity::low ? ", active low" : ", active high");
                break;
            case sdf::IrqKind::msi:
                entry.kind = "msi";
                entry.number = irq.vector;
                entry.detail = "pci " + std::to_string(irq.pci_bus) + ":" + std::to_string(irq.pci_dev) + "." +
                               std::to_string(irq.pci_func) + ", handle " + std::to_string(irq.handle);
                break;
            }
            report.irqs.push_back(entry);
        }
    }
    const capdl::Spec &spec = built.spec;
    for (std::size_t id = 0; id < spec.objects.size(); ++id) {
        const capdl::NamedObject &object = spec.objects[id];
        report.objects.push_back({id, std::string(capdl::object_kind_names[object.object.index()]),
                                  object_name(spec, id), paddr_of(object.object)});
        if (const auto *tcb = std::get_if<capdl::object::Tcb>(&object.object)) {
            static constexpr std::pair<std::uint32_t, const char *> slot_names[] = {
                {capdl::object::tcb_slot::cspace, "cspace"},
                {capdl::object::tcb_slot::vspace, "vspace"},
                {capdl::object::tcb_slot::ipc_buffer, "ipc buffer"},
                {capdl::object::tcb_slot::fault_ep, "fault endpoint"},
                {capdl::object::tcb_slot::sched_context, "scheduling context"},
                {capdl::object::tcb_slot::bound_notification, "bound notification"},
                {capdl::object::tcb_slot::vcpu, "vcpu"}};
            Report::Tcb entry{.name = object_name(spec, id), .extra = tcb->extra, .bound = {}};
            for (const capdl::CapTableEntry &slot : tcb->slots) {
                for (const auto &[number, what] : slot_names)
                    if (number == slot.slot) entry.bound.emplace_back(what, object_name(spec, slot.cap.object));
            }
            report.tcbs.push_back(std::move(entry));
        }
        if (const auto *cnode = std::get_if<capdl::object::CNode>(&object.object)) {
            Report::CNode entry{.name = object_name(spec, id), .slots = {}};
            for (const capdl::CapTableEntry &slot : cnode->slots) {
                entry.slots.push_back({slot.slot, std::string(capdl::cap_kind_names[static_cast<std::size_t>(slot.cap.kind)]),
                                       object_name(spec, slot.cap.object), slot.cap.badge, rights_text(slot.cap.rights)});
            }
            report.cnodes.push_back(std::move(entry));
        }
    }
    return report;
}

void write_report_text(const Report &report, std::ostream &out) {
    const capdl_tool::AddSpecReport &init = report.initializer;
    out << "# Initial Task (CapDL Initialiser) Details\n"
        << "    objects:              " << init.objects << "\n"
        << "    embedded frames:      " << init.embedded_frames << "\n"
        << "    spec:                 " << init.spec_bytes << " bytes\n"
        << "    fill data:            " << init.fill_bytes << " bytes (" << init.raw_fill_bytes << " before deflating)\n"
        << "    root CNode:           " << init.root_cnode_used << " of " << init.root_cnode_slots << " slots\n"
        << "    system calls:         at least " << init.minimum_system_calls << "\n\n";
    out << "# Protection Domain Details\n";
    for (const PdInfo &pd : report.pds) {
        out << "    " << pd.name << ": " << pd.program_image << "\n"
            << "        entry " << elf::hex(pd.entry) << ", stack [" << elf::hex(pd.stack_bottom) << ", "
            << elf::hex(pd.stack_top) << "), IPC buffer " << elf::hex(pd.ipc_buffer) << "\n";
        for (const auto &[symbol, value] : pd.symbols) out << "        " << symbol << " = " << value << "\n";
    }
    out << "\n# IRQ Details\n";
    for (const Report::Irq &irq : report.irqs) {
        out << "    " << irq.pd << ": id " << irq.id << ", " << irq.kind << " " << irq.number << ", " << irq.detail << "\n";
    }
    out << "\n# TCB Details\n";
    for (const Report::Tcb &tcb : report.tcbs) {
        out << "    " << tcb.name << ": ip " << elf::hex(tcb.extra.ip) << ", sp " << elf::hex(tcb.extra.sp)
            << ", IPC buffer " << elf::hex(tcb.extra.ipc_buffer_addr) << ", priority " << unsigned(tcb.extra.prio)
            << ", core " << tcb.extra.affinity << (tcb.extra.resume ? "" : ", suspended") << "\n";
        for (const auto &[what, object] : tcb.bound) out << "        " << what << ": " << object << "\n";
    }
    out << "\n# CNode Details\n";
    for (const Report::CNode &cnode : report.cnodes) {
        out << "    " << cnode.name << "\n";
        for (const Report::Slot &slot : cnode.slots) {
            out << "        slot " << slot.slot << ": " << slot.cap << " " << slot.object << ", rights " << slot.rights;
            if (slot.badge != 0) out << ", badge " << elf::hex(slot.badge);
            out << "\n";
        }
    }
    if (!report.chosen_paddrs.empty()) {
        out << "\n# Physical Addresses Chosen\n";
        for (const auto &[mr, paddr] : report.chosen_paddrs) out << "    " << mr << ": " << elf::hex(paddr) << "\n";
    }
    out << "\n# Kernel Objects Details\n";
    for (const Report::Object &object : report.objects) {
        out << "    " << object.id << " " << object.kind << " " << object.name;
        if (object.paddr) out << " @ " << elf::hex(*object.paddr);
        out << "\n";
    }
}

std::string report_json(const Report &report) {
    using nlohmann::json;
    const capdl_tool::AddSpecReport &init = report.initializer;
    json out;
    out["initialiser"] = {{"objects", init.objects},
                          {"embedded_frames", init.embedded_frames},
                          {"spec_bytes", init.spec_bytes},
                          {"fill_bytes", init.fill_bytes},
                          {"raw_fill_bytes", init.raw_fill_bytes},
                          {"root_cnode_slots", init.root_cnode_slots},
                          {"root_cnode_used", init.root_cnode_used},
                          {"minimum_system_calls", init.minimum_system_calls}};
    out["protection_domains"] = json::array();
    for (const PdInfo &pd : report.pds) {
        json symbols = json::object();
        for (const auto &[symbol, value] : pd.symbols) symbols[symbol] = value;
        out["protection_domains"].push_back({{"name", pd.name},
                                             {"program_image", pd.program_image},
                                             {"entry", pd.entry},
                                             {"stack_bottom", pd.stack_bottom},
                                             {"stack_top", pd.stack_top},
                                             {"ipc_buffer", pd.ipc_buffer},
                                             {"symbols", symbols}});
    }
    out["irqs"] = json::array();
    for (const Report::Irq &irq : report.irqs) {
        out["irqs"].push_back(
            {{"pd", irq.pd}, {"id", irq.id}, {"kind", irq.kind}, {"number", irq.number}, {"detail", irq.detail}});
    }
    out["tcbs"] = json::array();
    for (const Report::Tcb &tcb : report.tcbs) {
        json bound = json::object();
        for (const auto &[what, object] : tcb.bound) bound[what] = object;
        out["tcbs"].push_back({{"name", tcb.name},
                               {"ip", tcb.extra.ip},
                               {"sp", tcb.extra.sp},
                               {"ipc_buffer", tcb.extra.ipc_buffer_addr},
                               {"priority", tcb.extra.prio},
                               {"core", tcb.extra.affinity},
                               {"resumed", tcb.extra.resume},
                               {"bound", bound}});
    }
    out["cnodes"] = json::array();
    for (const Report::CNode &cnode : report.cnodes) {
        json slots = json::array();
        for (const Report::Slot &slot : cnode.slots) {
            slots.push_back({{"slot", slot.slot}, {"cap", slot.cap}, {"object", slot.object}, {"badge", slot.badge},
                             {"rights", slot.rights}});
        }
        out["cnodes"].push_back({{"name", cnode.name}, {"slots", slots}});
    }
    out["chosen_paddrs"] = json::object();
    for (const auto &[mr, paddr] : report.chosen_paddrs) out["chosen_paddrs"][mr] = paddr;
    out["objects"] = json::array();
    for (const Report::Object &object : report.objects) {
        json entry{{"id", object.id}, {"kind", object.kind}, {"name", object.name}};
        if (object.paddr) entry["paddr"] = *object.paddr;
        out["objects"].push_back(entry);
    }
    return out.dump(2) + "\n";
}

namespace {

// "define <name>(x) (x in Set(1,2))" and its heap form, as Microkit's Viper output writes them.
void define_set(std::ostream &out, const std::string &name, const std::set<Word> &values) {
    if (values.empty()) {
        out << "define " << name << "(x) (false)\n";
    } else {
        out << "define " << name << "(x) (x in Set(";
        bool first = true;
        for (Word value : values) {
            out << (first ? "" : ",") << value;
            first = false;
        }
        out << "))\n";
    }
    out << "define f_" << name << "(heap,gv,x) (" << name << "(x))\n";
}

} // namespace

void write_viper(const sdf::SystemDescription &system, const BuiltSystem &built, const std::string &dir) {
    namespace fs = std::filesystem;
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) throw BuildError("cannot make the Viper output directory '" + dir + "': " + error.message());
    const capdl::Spec &spec = built.spec;
    for (std::size_t i = 0; i < system.pds.size(); ++i) {
        const sdf::ProtectionDomain &pd = system.pds[i];
        std::set<Word> protected_sources, ppcall_targets, notified_sources, notify_targets, irqs, children;
        for (const sdf::Channel &channel : system.channels) {
            const bool a = channel.a.pd == i;
            if (!a && channel.b.pd != i) continue;
            const sdf::ChannelEnd &local = a ? channel.a : channel.b, &remote = a ? channel.b : channel.a;
            const unsigned local_prio = pd.priority, remote_prio = system.pds[remote.pd].priority;
            if (local.pp && local_prio < remote_prio) ppcall_targets.insert(local.id);
            if (remote.pp && remote_prio < local_prio) protected_sources.insert(local.id);
            if (remote.notify) notified_sources.insert(local.id);
            if (local.notify) notify_targets.insert(local.id);
        }
        for (const sdf::Irq &irq : pd.irqs) irqs.insert(irq.id);
        for (const sdf::ProtectionDomain &child : system.pds)
            if (child.parent == i && child.id) children.insert(*child.id);

        std::map<std::string, std::set<Word>> caps{
            {"pansel4_has_cap", {}},          {"pansel4_has_endpoint_cap", {}}, {"pansel4_has_notification_cap", {}},
            {"pansel4_has_reply_cap", {}},    {"pansel4_has_page_table_cap", {}}, {"pansel4_has_irq_handler_cap", {}},
            {"pansel4_has_tcb_cap", {}},      {"pansel4_has_vcpu_cap", {}},   {"pansel4_has_ioport_cap", {}},
            {"pansel4_has_arm_smc_cap", {}}};
        for (const capdl::NamedObject &object : spec.objects) {
            if (object.name != pd.name + "_cnode") continue;
            for (const capdl::CapTableEntry &slot : std::get<capdl::object::CNode>(object.object).slots) {
                caps["pansel4_has_cap"].insert(slot.slot);
                using K = capdl::CapKind;
                const char *set = nullptr;
                switch (slot.cap.kind) {
                case K::Endpoint: set = "pansel4_has_endpoint_cap"; break;
                case K::Notification: set = "pansel4_has_notification_cap"; break;
                case K::Reply: set = "pansel4_has_reply_cap"; break;
                case K::PageTable: set = "pansel4_has_page_table_cap"; break;
                case K::Tcb: set = "pansel4_has_tcb_cap"; break;
                case K::VCpu: set = "pansel4_has_vcpu_cap"; break;
                case K::IOPorts: set = "pansel4_has_ioport_cap"; break;
                case K::ArmSmc: set = "pansel4_has_arm_smc_cap"; break;
                default:
                    if (capdl::is_irq_kind(capdl::object_kind_of(slot.cap.kind))) set = "pansel4_has_irq_handler_cap";
                }
                if (set) caps[set].insert(slot.slot);
            }
        }

        std::ofstream out(fs::path(dir) / (pd.name + ".vpr"));
        define_set(out, "mk_is_protected_source", protected_sources);
        define_set(out, "mk_is_ppcall_target", ppcall_targets);
        define_set(out, "mk_is_notified_source", notified_sources);
        define_set(out, "mk_is_notify_target", notify_targets);
        define_set(out, "mk_is_irq_channel", irqs);
        define_set(out, "mk_is_child", children);
        for (const char *name : {"pansel4_has_cap", "pansel4_has_endpoint_cap", "pansel4_has_notification_cap",
                                 "pansel4_has_reply_cap", "pansel4_has_page_table_cap", "pansel4_has_irq_handler_cap",
                                 "pansel4_has_tcb_cap", "pansel4_has_vcpu_cap", "pansel4_has_ioport_cap",
                                 "pansel4_has_arm_smc_cap"})
            define_set(out, name, caps[name]);
        std::vector<std::string> readable, writeable;
        for (const sdf::Map &map : pd.maps) {
            const auto m = system.find_mr(map.mr);
            if (!m) continue;
            const Word size = system.memory_regions[*m].size;
            out << "define mem_" << map.mr << "_contains(x) (" << map.vaddr << " <= x && x < " << map.vaddr + size << ")\n";
            readable.push_back("mem_" + map.mr + "_contains(x)");
            if (map.perms.write) writeable.push_back("mem_" + map.mr + "_contains(x)");
        }
        for (const auto &[perm, items] : {std::pair{"readable", &readable}, std::pair{"writeable", &writeable}}) {
            std::string joined;
            for (const std::string &item : *items) joined += (joined.empty() ? "" : " || ") + item;
            out << "define mem_" << perm << "(x) (" << (joined.empty() ? "false" : joined) << ")\n";
            out << "define f_mem_" << perm << "(heap,gv,x) (mem_" << perm << "(x))\n";
        }
        if (!out) throw BuildError("cannot write the Viper output of PD '" + pd.name + "' in '" + dir + "'");
    }
}

} // namespace sel4::microkit
