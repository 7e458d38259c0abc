#include <sel4/capdl/json.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <limits>
#include <type_traits>

namespace sel4::capdl {

namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 7> boot_info_names{"Padding",      "X86Vbe",          "X86Mbmmap", "X86AcpiRsdp",
                                                          "X86FrameBuffer", "X86TscFreq", "Fdt"};

// --- Reading ---------------------------------------------------------------------------------

// A value in the document, with the path that errors name.
class Node {
public:
    Node(const json &value, std::string path, const std::string &source) : value_(value), path_(std::move(path)), source_(source) {}

    [[noreturn]] void fail(const std::string &what) const {
        throw SpecError(source_ + ": " + (path_.empty() ? std::string("(top level)") : path_) + ": " + what);
    }
    const json &value() const { return value_; }
    const std::string &path() const { return path_; }

    Node field(std::string_view key) const {
        const json *found = find(key);
        if (found == nullptr) fail("missing field '" + std::string(key) + "'");
        return child(*found, std::string(key));
    }
    // A field that may be missing or null (serde's Option, or #[serde(default)]).
    std::optional<Node> optional_field(std::string_view key) const {
        const json *found = find(key);
        if (found == nullptr || found->is_null()) return std::nullopt;
        return child(*found, std::string(key));
    }
    std::vector<Node> elements() const {
        if (!value_.is_array()) fail("expected an array");
        std::vector<Node> result;
        result.reserve(value_.size());
        for (std::size_t i = 0; i < value_.size(); ++i) {
            result.emplace_back(value_[i], path_ + "[" + std::to_string(i) + "]", source_);
        }
        return result;
    }

    template <class T> T number() const {
        static_assert(std::is_unsigned_v<T>);
        if (!value_.is_number_unsigned()) {
            fail(value_.is_number_integer() ? "expected a non-negative integer" : "expected an integer");
        }
        const auto n = value_.get<std::uint64_t>();
        if (n > std::numeric_limits<T>::max()) {
            fail(std::to_string(n) + " is out of range (at most " + std::to_string(std::numeric_limits<T>::max()) + ")");
        }
        return static_cast<T>(n);
    }
    bool boolean() const {
        if (!value_.is_boolean()) fail("expected true or false");
        return value_.get<bool>();
    }
    std::string string() const {
        if (!value_.is_string()) fail("expected a string");
        return value_.get<std::string>();
    }

    // An externally tagged enum: a string (unit variant) or an object of one member. Returns
    // the variant's name and, for a non-unit one, its content.
    std::pair<std::string, std::optional<Node>> variant() const {
        if (value_.is_string()) return {value_.get<std::string>(), std::nullopt};
        if (!value_.is_object() || value_.size() != 1) fail("expected a variant: a string or an object of one member");
        const auto member = value_.begin();
        return {member.key(), child(member.value(), member.key())};
    }

private:
    const json *find(std::string_view key) const {
        if (!value_.is_object()) fail("expected an object");
        const auto found = value_.find(key);
        return found == value_.end() ? nullptr : &*found;
    }
    Node child(const json &value, const std::string &key) const {
        return Node(value, path_.empty() ? key : path_ + "." + key, source_);
    }

    const json &value_;
    std::string path_;
    const std::string &source_;
};

template <class T> std::optional<T> optional_number(const Node &node, std::string_view key) {
    if (auto field = node.optional_field(key)) return field->number<T>();
    return std::nullopt;
}

template <class T> Range<T> read_range(const Node &node) {
    Range<T> range{node.field("start").number<T>(), node.field("end").number<T>()};
    return range;
}

Rights read_rights(const Node &node) {
    return {node.field("read").boolean(), node.field("write").boolean(), node.field("grant").boolean(),
            node.field("grant_reply").boolean()};
}

template <std::size_t N> std::size_t index_of(const std::array<std::string_view, N> &names, const std::string &name) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == name) return i;
    }
    return N;
}

Cap read_cap(const Node &node) {
    auto [name, content] = node.variant();
    const std::size_t index = index_of(cap_kind_names, name);
    if (index == cap_kind_names.size()) node.fail("unknown cap kind '" + name + "'");
    if (!content) node.fail("cap '" + name + "' needs its fields");
    Cap cap;
    cap.kind = static_cast<CapKind>(index);
    cap.object = content->field("object").number<ObjectId>();
    switch (cap.kind) {
    case CapKind::Endpoint:
    case CapKind::Notification:
        cap.badge = content->field("badge").number<Word>();
        cap.rights = read_rights(content->field("rights"));
        break;
    case CapKind::CNode:
        cap.guard = content->field("guard").number<Word>();
        cap.guard_size = content->field("guard_size").number<std::uint8_t>();
        break;
    case CapKind::Frame:
        cap.rights = read_rights(content->field("rights"));
        cap.cached = content->field("cached").boolean();
        cap.executable = content->field("executable").boolean();
        break;
    default:
        break;
    }
    return cap;
}

CapTable read_slots(const Node &node) {
    CapTable table;
    for (const Node &entry : node.field("slots").elements()) {
        table.push_back({entry.field("slot").number<std::uint32_t>(), read_cap(entry.field("cap"))});
    }
    return table;
}

object::FillEntry read_fill_entry(const Node &node) {
    object::FillEntry entry;
    entry.range = read_range<std::uint64_t>(node.field("range"));
    const Node content_node = node.field("content");
    auto [name, content] = content_node.variant();
    if (name == "Data" && content) {
        entry.content = object::FileData{content->field("file").string(), content->field("file_offset").number<std::uint64_t>()};
    } else if (name == "BootInfo" && content) {
        const Node id = content->field("id");
        const std::size_t index = index_of(boot_info_names, id.string());
        if (index == boot_info_names.size()) id.fail("unknown BootInfo id '" + id.string() + "'");
        entry.content = object::BootInfoData{static_cast<object::BootInfoId>(index), content->field("offset").number<std::uint64_t>()};
    } else {
        content_node.fail("expected {\"Data\": {...}} or {\"BootInfo\": {...}}, found '" + name + "'");
    }
    return entry;
}

object::TcbExtra read_tcb_extra(const Node &node) {
    object::TcbExtra extra;
    extra.ipc_buffer_addr = node.field("ipc_buffer_addr").number<Word>();
    extra.affinity = node.field("affinity").number<Word>();
    extra.prio = node.field("prio").number<std::uint8_t>();
    extra.max_prio = node.field("max_prio").number<std::uint8_t>();
    extra.fpu_disabled = node.field("fpu_disabled").boolean();
    extra.resume = node.field("resume").boolean();
    extra.domain = optional_number<std::uint8_t>(node, "domain");
    extra.ip = node.field("ip").number<Word>();
    extra.sp = node.field("sp").number<Word>();
    for (const Node &gpr : node.field("gprs").elements()) extra.gprs.push_back(gpr.number<Word>());
    extra.master_fault_ep = optional_number<Word>(node, "master_fault_ep");
    return extra;
}

Object read_object(const Node &node) {
    auto [name, content_or_none] = node.variant();
    const std::size_t index = index_of(object_kind_names, name);
    if (index == object_kind_names.size()) node.fail("unknown object kind '" + name + "'");
    // Unit variants: Endpoint, Notification, VCpu, Reply, ArmSmc, DomainSet.
    auto unit = [&](auto object) -> Object {
        if (content_or_none && !content_or_none->value().is_null()) node.fail("object '" + name + "' takes no fields");
        return object;
    };
    if (name == "Endpoint") return unit(object::Endpoint{});
    if (name == "Notification") return unit(object::Notification{});
    if (name == "VCpu") return unit(object::VCpu{});
    if (name == "Reply") return unit(object::Reply{});
    if (name == "ArmSmc") return unit(object::ArmSmc{});
    if (name == "DomainSet") return unit(object::DomainSet{});
    if (!content_or_none) node.fail("object '" + name + "' needs its fields");
    const Node &c = *content_or_none;
    if (name == "Untyped") return object::Untyped{c.field("size_bits").number<std::uint8_t>(), optional_number<Word>(c, "paddr")};
    if (name == "CNode") return object::CNode{c.field("size_bits").number<std::uint8_t>(), read_slots(c)};
    if (name == "Tcb") return object::Tcb{read_slots(c), read_tcb_extra(c.field("extra"))};
    if (name == "Irq") return object::Irq{read_slots(c)};
    if (name == "Frame") {
        object::Frame frame{c.field("size_bits").number<std::uint8_t>(), optional_number<Word>(c, "paddr"), {}};
        for (const Node &entry : c.field("init").field("entries").elements()) frame.init.push_back(read_fill_entry(entry));
        return frame;
    }
    if (name == "PageTable") {
        const auto ept = c.optional_field("x86_ept"); // #[serde(default)]
        return object::PageTable{ept ? ept->boolean() : false, c.field("is_root").boolean(),
                                 optional_number<std::uint8_t>(c, "level"), read_slots(c)};
    }
    if (name == "AsidPool") return object::AsidPool{c.field("high").number<Word>()};
    if (name == "IOSpace") {
        const Node pci = c.field("pci_device");
        return object::IOSpace{read_slots(c), c.field("domain_id").number<Word>(),
                               {pci.field("bus").number<std::uint8_t>(), pci.field("device").number<std::uint8_t>(),
                                pci.field("function").number<std::uint8_t>()}};
    }
    if (name == "IOPageTable") return object::IOPageTable{read_slots(c), c.field("level").number<Word>()};
    if (name == "IOPorts") return object::IOPorts{c.field("start_port").number<Word>(), c.field("end_port").number<Word>()};
    const Node extra = c.field("extra");
    if (name == "ArmIrq") {
        return object::ArmIrq{read_slots(c), extra.field("trigger").number<std::uint8_t>(), extra.field("target").number<Word>()};
    }
    if (name == "IrqMsi") {
        return object::IrqMsi{read_slots(c), extra.field("handle").number<Word>(), extra.field("pci_bus").number<Word>(),
                              extra.field("pci_dev").number<Word>(), extra.field("pci_func").number<Word>()};
    }
    if (name == "IrqIOApic") {
        return object::IrqIOApic{read_slots(c), extra.field("ioapic").number<Word>(), extra.field("pin").number<Word>(),
                                 extra.field("level").number<Word>(), extra.field("polarity").number<Word>()};
    }
    if (name == "RiscvIrq") return object::RiscvIrq{read_slots(c), extra.field("trigger").number<std::uint8_t>()};
    // SchedContext, the last kind.
    return object::SchedContext{c.field("size_bits").number<std::uint8_t>(), extra.field("period").number<std::uint64_t>(),
                                extra.field("budget").number<std::uint64_t>(), extra.field("badge").number<Word>()};
}

DomainSchedEntry read_domain_sched_entry(const Node &node) {
    DomainSchedEntry entry;
    entry.domain = node.field("domain").number<std::uint8_t>();
    const Node duration = node.field("duration");
    auto [name, value] = duration.variant();
    if (name == "EndMarker" && !value) {
        entry.kind = DomainSchedEntry::Kind::EndMarker;
        entry.duration = 0;
        return entry;
    }
    if ((name != "Ticks" && name != "Us") || !value) duration.fail("expected {\"Ticks\": n}, {\"Us\": n} or \"EndMarker\"");
    entry.kind = name == "Ticks" ? DomainSchedEntry::Kind::Ticks : DomainSchedEntry::Kind::Us;
    entry.duration = value->number<std::uint64_t>();
    if (entry.duration == 0) value->fail("a duration is non-zero");
    return entry;
}

// --- Writing ---------------------------------------------------------------------------------

json optional_json(const auto &value) { return value ? json(*value) : json(nullptr); }

json rights_json(const Rights &rights) {
    return {{"read", rights.read}, {"write", rights.write}, {"grant", rights.grant}, {"grant_reply", rights.grant_reply}};
}

json cap_json(const Cap &cap) {
    json fields = {{"object", cap.object}};
    switch (cap.kind) {
    case CapKind::Endpoint:
    case CapKind::Notification:
        fields["badge"] = cap.badge;
        fields["rights"] = rights_json(cap.rights);
        break;
    case CapKind::CNode:
        fields["guard"] = cap.guard;
        fields["guard_size"] = cap.guard_size;
        break;
    case CapKind::Frame:
        fields["rights"] = rights_json(cap.rights);
        fields["cached"] = cap.cached;
        fields["executable"] = cap.executable;
        break;
    default:
        break;
    }
    return {{std::string(name_of(cap.kind)), fields}};
}

json slots_json(const CapTable &table) {
    json slots = json::array();
    for (const CapTableEntry &entry : table) slots.push_back({{"slot", entry.slot}, {"cap", cap_json(entry.cap)}});
    return slots;
}

json fill_entry_json(const object::FillEntry &entry) {
    json content;
    if (const auto *file = std::get_if<object::FileData>(&entry.content)) {
        content = {{"Data", {{"file", file->file}, {"file_offset", file->file_offset}}}};
    } else {
        const auto &boot_info = std::get<object::BootInfoData>(entry.content);
        content = {{"BootInfo",
                    {{"id", std::string(boot_info_names[static_cast<std::size_t>(boot_info.id)])}, {"offset", boot_info.offset}}}};
    }
    return {{"range", {{"start", entry.range.start}, {"end", entry.range.end}}}, {"content", content}};
}

json object_fields(const object::Untyped &o) { return {{"size_bits", o.size_bits}, {"paddr", optional_json(o.paddr)}}; }
json object_fields(const object::CNode &o) { return {{"size_bits", o.size_bits}, {"slots", slots_json(o.slots)}}; }
json object_fields(const object::Tcb &o) {
    const object::TcbExtra &e = o.extra;
    return {{"slots", slots_json(o.slots)},
            {"extra",
             {{"ipc_buffer_addr", e.ipc_buffer_addr}, {"affinity", e.affinity}, {"prio", e.prio}, {"max_prio", e.max_prio},
              {"fpu_disabled", e.fpu_disabled}, {"resume", e.resume}, {"domain", optional_json(e.domain)}, {"ip", e.ip},
              {"sp", e.sp}, {"gprs", e.gprs}, {"master_fault_ep", optional_json(e.master_fault_ep)}}}};
}
json object_fields(const object::Irq &o) { return {{"slots", slots_json(o.slots)}}; }
json object_fields(const object::Frame &o) {
    json entries = json::array();
    for (const auto &entry : o.init) entries.push_back(fill_entry_json(entry));
    return {{"size_bits", o.size_bits}, {"paddr", optional_json(o.paddr)}, {"init", {{"entries", entries}}}};
}
json object_fields(const object::PageTable &o) {
    return {{"x86_ept", o.x86_ept}, {"is_root", o.is_root}, {"level", optional_json(o.level)}, {"slots", slots_json(o.slots)}};
}
json object_fields(const object::AsidPool &o) { return {{"high", o.high}}; }
json object_fields(const object::IOSpace &o) {
    return {{"slots", slots_json(o.slots)},
            {"domain_id", o.domain_id},
            {"pci_device", {{"bus", o.pci_device.bus}, {"device", o.pci_device.device}, {"function", o.pci_device.function}}}};
}
json object_fields(const object::IOPageTable &o) { return {{"slots", slots_json(o.slots)}, {"level", o.level}}; }
json object_fields(const object::ArmIrq &o) {
    return {{"slots", slots_json(o.slots)}, {"extra", {{"trigger", o.trigger}, {"target", o.target}}}};
}
json object_fields(const object::IrqMsi &o) {
    return {{"slots", slots_json(o.slots)},
            {"extra", {{"handle", o.handle}, {"pci_bus", o.pci_bus}, {"pci_dev", o.pci_dev}, {"pci_func", o.pci_func}}}};
}
json object_fields(const object::IrqIOApic &o) {
    return {{"slots", slots_json(o.slots)},
            {"extra", {{"ioapic", o.ioapic}, {"pin", o.pin}, {"level", o.level}, {"polarity", o.polarity}}}};
}
json object_fields(const object::RiscvIrq &o) { return {{"slots", slots_json(o.slots)}, {"extra", {{"trigger", o.trigger}}}}; }
json object_fields(const object::IOPorts &o) { return {{"start_port", o.start_port}, {"end_port", o.end_port}}; }
json object_fields(const object::SchedContext &o) {
    return {{"size_bits", o.size_bits}, {"extra", {{"period", o.period}, {"budget", o.budget}, {"badge", o.badge}}}};
}

template <class T>
concept UnitObject = std::is_empty_v<T>;

json object_json(const Object &object) {
    const std::string name(kind_name(object));
    return std::visit(
        [&](const auto &o) -> json {
            if constexpr (UnitObject<std::decay_t<decltype(o)>>) {
                return name;
            } else {
                return {{name, object_fields(o)}};
            }
        },
        object);
}

json domain_sched_entry_json(const DomainSchedEntry &entry) {
    json duration;
    switch (entry.kind) {
    case DomainSchedEntry::Kind::Ticks:
        duration = {{"Ticks", entry.duration}};
        break;
    case DomainSchedEntry::Kind::Us:
        duration = {{"Us", entry.duration}};
        break;
    case DomainSchedEntry::Kind::EndMarker:
        duration = "EndMarker";
        break;
    }
    return {{"domain", entry.domain}, {"duration", duration}};
}

json parse(std::string_view text, const std::string &source) {
    try {
        return json::parse(text);
    } catch (const json::exception &error) { // a syntax error, or a number too large for any type
        throw SpecError(source + ": not JSON: " + error.what());
    }
}

} // namespace

Spec read_json(std::string_view text, const std::string &source) {
    const json document = parse(text, source);
    const Node root(document, "", source);
    Spec spec;
    for (const Node &named : root.field("objects").elements()) {
        NamedObject object{std::nullopt, read_object(named.field("object"))};
        if (auto name = named.optional_field("name")) object.name = name->string();
        spec.objects.push_back(std::move(object));
    }
    for (const Node &irq : root.field("irqs").elements()) {
        spec.irqs.push_back({irq.field("irq").number<Word>(), irq.field("handler").number<ObjectId>()});
    }
    if (auto schedule = root.optional_field("domain_schedule")) {
        spec.domain_schedule.emplace();
        for (const Node &entry : schedule->elements()) spec.domain_schedule->push_back(read_domain_sched_entry(entry));
    }
    spec.domain_set_start = optional_number<Word>(root, "domain_set_start");
    spec.domain_idx_shift = optional_number<Word>(root, "domain_idx_shift");
    for (const Node &slot : root.field("asid_slots").elements()) spec.asid_slots.push_back(slot.number<ObjectId>());
    spec.root_objects = read_range<ObjectId>(root.field("root_objects"));
    for (const Node &cover : root.field("untyped_covers").elements()) {
        spec.untyped_covers.push_back({cover.field("parent").number<ObjectId>(), read_range<ObjectId>(cover.field("children"))});
    }
    if (auto cached = root.optional_field("cached_orig_cap_slots")) {
        OrigCapSlots slots{cached->field("num_occupied").number<std::uint32_t>(), {}};
        for (const Node &offset : cached->field("offsets_by_object").elements()) {
            slots.offsets_by_object.push_back(offset.value().is_null() ? std::nullopt
                                                                       : std::optional(offset.number<std::uint32_t>()));
        }
        spec.cached_orig_cap_slots = std::move(slots);
    }
    spec.log_level = optional_number<std::uint8_t>(root, "log_level");
    return spec;
}

KernelConfig read_kernel_config(std::string_view text, const std::string &source) {
    const json document = parse(text, source);
    const Node root(document, "", source);
    // gen_config.json holds booleans as true/false and numbers as strings.
    auto flag = [&](std::string_view key) {
        const auto field = root.optional_field(key);
        return field && field->boolean();
    };
    auto count = [&](std::string_view key, unsigned otherwise) {
        const auto field = root.optional_field(key);
        if (!field) return otherwise;
        const std::string text = field->string();
        if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) {
            field->fail("expected a number as a string, found '" + text + "'");
        }
        return static_cast<unsigned>(std::stoul(text));
    };
    KernelConfig config;
    config.arch = root.field("SEL4_ARCH").string();
    if (config.arch != "aarch64" && config.arch != "riscv64" && config.arch != "x86_64") {
        root.field("SEL4_ARCH").fail("arch '" + config.arch + "' is not one cpp-sel4 supports (aarch64, riscv64, x86_64)");
    }
    config.mcs = flag("KERNEL_MCS");
    config.hypervisor = flag("ARM_HYPERVISOR_SUPPORT");
    config.huge_pages = flag("HUGE_PAGE");
    config.pt_levels = config.arch == "riscv64" ? count("PT_LEVELS", 3) : 4;
    // A stage-2 VSpace of 40-bit addresses (a hypervisor kernel on a CPU with 40-bit physical
    // addresses, as the cortex-a53 of Microkit's QEMU board): three levels, a root of 1024 entries.
    if (flag("AARCH64_VSPACE_S2_START_L1") || (config.hypervisor && flag("ARM_PA_SIZE_BITS_40"))) {
        config.pt_levels = 3;
        config.root_index_bits = 10;
    }
    config.num_nodes = count("MAX_NUM_NODES", 1);
    config.num_domains = count("NUM_DOMAINS", 1);
    config.timer_tick_ms = count("TIMER_TICK_MS", 2);
    // seL4_TCBBits, as libsel4's sel4_arch/constants.h decides it.
    if (config.arch == "aarch64") {
        const bool big = flag("HARDWARE_DEBUG_API") || flag("ARM_HYP_ENABLE_VCPU_CP14_SAVE_AND_RESTORE") ||
                         (config.hypervisor && flag("ENABLE_SMP_SUPPORT") && flag("BENCHMARK_TRACK_UTILISATION") && !config.mcs);
        config.tcb_bits = big ? 12 : 11;
    } else if (config.arch == "riscv64") {
        config.tcb_bits = flag("HAVE_FPU") ? 11 : 10;
    } else {
        config.tcb_bits = count("XSAVE_SIZE", 512) >= 832 ? 12 : 11;
    }
    return config;
}

std::string write_json(const Spec &spec, int indent) {
    json objects = json::array();
    for (const NamedObject &named : spec.objects) {
        objects.push_back({{"name", optional_json(named.name)}, {"object", object_json(named.object)}});
    }
    json irqs = json::array();
    for (const IrqEntry &irq : spec.irqs) irqs.push_back({{"irq", irq.irq}, {"handler", irq.handler}});
    json schedule = nullptr;
    if (spec.domain_schedule) {
        schedule = json::array();
        for (const DomainSchedEntry &entry : *spec.domain_schedule) schedule.push_back(domain_sched_entry_json(entry));
    }
    json covers = json::array();
    for (const UntypedCover &cover : spec.untyped_covers) {
        covers.push_back({{"parent", cover.parent}, {"children", {{"start", cover.children.start}, {"end", cover.children.end}}}});
    }
    json cached = nullptr;
    if (spec.cached_orig_cap_slots) {
        json offsets = json::array();
        for (const auto &offset : spec.cached_orig_cap_slots->offsets_by_object) offsets.push_back(optional_json(offset));
        cached = {{"num_occupied", spec.cached_orig_cap_slots->num_occupied}, {"offsets_by_object", offsets}};
    }
    const json document = {
        {"objects", objects},
        {"irqs", irqs},
        {"domain_schedule", schedule},
        {"domain_set_start", optional_json(spec.domain_set_start)},
        {"domain_idx_shift", optional_json(spec.domain_idx_shift)},
        {"asid_slots", spec.asid_slots},
        {"root_objects", {{"start", spec.root_objects.start}, {"end", spec.root_objects.end}}},
        {"untyped_covers", covers},
        {"cached_orig_cap_slots", cached},
        {"log_level", optional_json(spec.log_level)},
    };
    return document.dump(indent);
}

} // namespace sel4::capdl
