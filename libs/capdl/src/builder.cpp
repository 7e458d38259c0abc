#include <sel4/capdl/builder.hpp>

#include <elf_file.hpp>

#include <algorithm>
#include <utility>

namespace sel4::capdl {

namespace {

constexpr Word page_size = 4096;
constexpr std::uint32_t pf_x = 1, pf_w = 2; // ELF p_flags

Word align_down(Word value, Word alignment) { return value & ~(alignment - 1); }

std::uint16_t elf_machine(const std::string &arch) {
    if (arch == "aarch64") return elf::machine_aarch64;
    if (arch == "riscv64") return elf::machine_riscv;
    return elf::machine_x86_64;
}

} // namespace

Builder::Builder(KernelConfig kernel) : kernel_(std::move(kernel)) {}

std::string Builder::describe(ObjectId id) const {
    std::string text = "object " + std::to_string(id);
    if (id < spec_.objects.size() && spec_.objects[id].name) text += " '" + *spec_.objects[id].name + "'";
    return text;
}

std::optional<ObjectId> Builder::find(std::string_view name) const {
    const auto found = names_.find(name);
    if (found == names_.end()) return std::nullopt;
    return found->second;
}

// --- Objects

ObjectId Builder::add(std::string name, Object object) {
    const auto id = static_cast<ObjectId>(spec_.objects.size());
    if (!open_cover_ && !spec_.untyped_covers.empty()) {
        throw BuildError("'" + name +
                         "' would be a root object after the untyped covers' children (make the root "
                         "objects before begin_cover)");
    }
    if (!names_.emplace(name, id).second) throw BuildError("two objects named '" + name + "'");
    spec_.objects.push_back({std::move(name), std::move(object)});
    if (!open_cover_) spec_.root_objects.end = id + 1;
    return id;
}

ObjectId Builder::untyped(std::string name, std::uint8_t size_bits, std::optional<Word> paddr) {
    return add(std::move(name), object::Untyped{size_bits, paddr});
}
ObjectId Builder::endpoint(std::string name) { return add(std::move(name), object::Endpoint{}); }
ObjectId Builder::notification(std::string name) { return add(std::move(name), object::Notification{}); }
ObjectId Builder::cnode(std::string name, std::uint8_t size_bits) {
    return add(std::move(name), object::CNode{size_bits, {}});
}
ObjectId Builder::tcb(std::string name, object::TcbExtra extra) {
    return add(std::move(name), object::Tcb{{}, std::move(extra)});
}
ObjectId Builder::frame(std::string name, std::uint8_t size_bits, std::optional<Word> paddr) {
    return add(std::move(name), object::Frame{size_bits, paddr, {}});
}
ObjectId Builder::vspace(std::string name) {
    return add(std::move(name), object::PageTable{.is_root = true, .level = 0, .slots = {}});
}
ObjectId Builder::vcpu(std::string name) { return add(std::move(name), object::VCpu{}); }
ObjectId Builder::sched_context(std::string name, std::uint64_t period_us, std::uint64_t budget_us, Word badge,
                                std::uint8_t size_bits) {
    return add(std::move(name), object::SchedContext{size_bits, period_us, budget_us, badge});
}
ObjectId Builder::reply(std::string name) { return add(std::move(name), object::Reply{}); }

ObjectId Builder::irq(std::string name, Word irq, ObjectId notification, Word badge, IrqTrigger trigger) {
    const auto bits = static_cast<std::uint8_t>(trigger);
    Object object = object::Irq{};
    if (kernel_.arch == "aarch64") {
        object = object::ArmIrq{.slots = {}, .trigger = bits};
    } else if (kernel_.arch == "riscv64") {
        object = object::RiscvIrq{.slots = {}, .trigger = bits};
    } else {
        // x86_64 kernels route IRQs through the I/O APIC (seL4 refuses plain IRQControl_Get
        // there): pin `irq` of the first I/O APIC, active high; the IRQ's number is its vector.
        object = object::IrqIOApic{.slots = {}, .ioapic = 0, .pin = irq, .level = bits == 0 ? 1u : 0u, .polarity = 0};
    }
    return irq_object(std::move(name), irq, std::move(object), notification, badge);
}

ObjectId Builder::irq_object(std::string name, Word irq, Object object, ObjectId notification, Word badge) {
    if (!is_irq_kind(object.index())) throw BuildError("irq_object('" + name + "'): not an IRQ object");
    for (const IrqEntry &entry : spec_.irqs) {
        if (entry.irq == irq)
            throw BuildError("IRQ " + std::to_string(irq) + " has a handler already, " + describe(entry.handler));
    }
    get<object::Notification>(notification);
    const ObjectId id = add(std::move(name), std::move(object));
    insert(id, object::irq_notification_slot, cap::notification(notification, badge));
    spec_.irqs.push_back({irq, id});
    return id;
}

void Builder::domain_schedule(std::vector<DomainSchedEntry> entries, std::optional<Word> start,
                              std::optional<Word> index_shift) {
    spec_.domain_schedule = std::move(entries);
    spec_.domain_set_start = start;
    spec_.domain_idx_shift = index_shift;
}

Cap Builder::irq_handler(ObjectId irq) const {
    const std::size_t kind = irq < spec_.objects.size() ? spec_.objects[irq].object.index() : 0;
    if (!is_irq_kind(kind)) throw BuildError(describe(irq) + " is not an IRQ object");
    for (std::size_t cap_kind = 0; cap_kind < cap_kind_names.size(); ++cap_kind) {
        if (object_kind_of(static_cast<CapKind>(cap_kind)) == kind)
            return {.kind = static_cast<CapKind>(cap_kind), .object = irq};
    }
    std::unreachable(); // every IRQ kind has its handler cap kind
}

// --- Contents

void Builder::insert(ObjectId holder, std::uint32_t slot, const Cap &cap) {
    if (holder >= spec_.objects.size()) throw BuildError("no object " + std::to_string(holder));
    const std::string where = describe(holder) + ": slot " + std::to_string(slot);
    Object &object = spec_.objects[holder].object;
    CapTable *slots = slots_of(object);
    if (slots == nullptr || std::holds_alternative<object::PageTable>(object)) {
        throw BuildError(where + ": a " + std::string(kind_name(object)) + " has no slots for insert" +
                         (slots != nullptr ? " (map frames with map)" : ""));
    }
    if (const auto *cnode = std::get_if<object::CNode>(&object); cnode != nullptr && (slot >> cnode->size_bits) != 0) {
        throw BuildError(where + " is outside its 2^" + std::to_string(cnode->size_bits) + " slots");
    }
    const std::string kind(name_of(cap.kind));
    if (cap.object >= spec_.objects.size())
        throw BuildError(where + ": a " + kind + " cap to object " + std::to_string(cap.object) + ", which does not exist");
    const Object &target = spec_.objects[cap.object].object;
    if (target.index() != object_kind_of(cap.kind)) {
        throw BuildError(where + ": a " + kind + " cap to " + describe(cap.object) + ", which is a " +
                         std::string(kind_name(target)));
    }
    for (const CapTableEntry &entry : *slots) {
        if (entry.slot == slot) {
            throw BuildError(where + " holds a " + std::string(name_of(entry.cap.kind)) + " cap to " +
                             describe(entry.cap.object) + " already");
        }
    }
    slots->push_back({slot, cap});
}

void Builder::fill(ObjectId frame, object::FillEntry entry) {
    auto &init = get<object::Frame>(frame).init;
    const Word size = Word{1} << std::min<unsigned>(get<object::Frame>(frame).size_bits, 63);
    auto range = [](const Range<std::uint64_t> &r) {
        return "[" + std::to_string(r.start) + ", " + std::to_string(r.end) + ")";
    };
    if (entry.range.start >= entry.range.end || entry.range.end > size) {
        throw BuildError(describe(frame) + ": fill " + range(entry.range) + " is not within the frame's " +
                         std::to_string(size) + " bytes");
    }
    for (const object::FillEntry &other : init) {
        if (entry.range.start < other.range.end && other.range.start < entry.range.end) {
            throw BuildError(describe(frame) + ": fill " + range(entry.range) + " overlaps fill " + range(other.range));
        }
    }
    const auto at = std::find_if(init.begin(), init.end(),
                                 [&](const object::FillEntry &other) { return other.range.start > entry.range.start; });
    init.insert(at, std::move(entry));
}

void Builder::check_vspace(ObjectId vspace) const {
    if (!get<object::PageTable>(vspace).is_root) throw BuildError(describe(vspace) + " is not a VSpace root");
}

std::uint32_t Builder::index_at(Word vaddr, unsigned level) const {
    return static_cast<std::uint32_t>((vaddr >> kernel_.mapped_bits(level)) & ((Word{1} << kernel_.index_bits(level)) - 1));
}

const Cap *Builder::entry(ObjectId table, std::uint32_t index) const {
    for (const CapTableEntry &entry : get<object::PageTable>(table).slots) {
        if (entry.slot == index) return &entry.cap;
    }
    return nullptr;
}

void Builder::map(ObjectId vspace, Word vaddr, ObjectId frame, Rights rights, bool cached, bool executable) {
    check_vspace(vspace);
    const unsigned bits = get<object::Frame>(frame).size_bits;
    const std::string where = "map " + describe(frame) + " at " + elf::hex(vaddr) + " in " + describe(vspace);
    const std::optional<unsigned> level = kernel_.frame_level(bits);
    if (!level) throw BuildError(where + ": " + kernel_.arch + " maps no frames of 2^" + std::to_string(bits) + " bytes");
    const Word size = Word{1} << bits;
    if (vaddr % size != 0)
        throw BuildError(where + ": the address is not aligned to the frame's 2^" + std::to_string(bits) + " bytes");
    const unsigned address_bits = kernel_.mapped_bits(0) + kernel_.index_bits(0);
    if ((vaddr >> address_bits) != 0) {
        throw BuildError(where + ": the address is outside the VSpace's 2^" + std::to_string(address_bits) + " bytes");
    }
    for (const Guard &guard : guards_[vspace]) {
        if (vaddr < guard.pages.end && guard.pages.start < vaddr + size)
            throw BuildError(where + ": " + elf::hex(guard.pages.start) + " is " + guard.what);
    }
    ObjectId table = vspace;
    for (unsigned l = 0; l < *level; ++l) {
        const std::uint32_t index = index_at(vaddr, l);
        const Cap *next = entry(table, index);
        if (next == nullptr) {
            const Word base = align_down(vaddr, Word{1} << kernel_.mapped_bits(l));
            const ObjectId child = add(*spec_.objects[vspace].name + "_pt_l" + std::to_string(l + 1) + "_" + elf::hex(base),
                                       object::PageTable{.level = static_cast<std::uint8_t>(l + 1), .slots = {}});
            get<object::PageTable>(table).slots.push_back({index, cap::page_table(child)});
            table = child;
        } else if (next->kind == CapKind::Frame) {
            throw BuildError(where + ": " + elf::hex(vaddr) + " is mapped already, within " + describe(next->object) +
                             " at " + elf::hex(align_down(vaddr, Word{1} << kernel_.mapped_bits(l))));
        } else {
            table = next->object;
        }
    }
    const std::uint32_t index = index_at(vaddr, *level);
    if (const Cap *mapped = entry(table, index)) {
        throw BuildError(where + ": " + elf::hex(vaddr) + " is mapped already, " +
                         (mapped->kind == CapKind::Frame ? "to " : "to smaller frames through ") + describe(mapped->object));
    }
    get<object::PageTable>(table).slots.push_back({index, cap::frame(frame, rights, cached, executable)});
}

std::optional<ObjectId> Builder::mapping(ObjectId vspace, Word vaddr) const {
    check_vspace(vspace);
    ObjectId table = vspace;
    for (unsigned level = 0; level < kernel_.pt_levels; ++level) {
        const Cap *next = entry(table, index_at(vaddr, level));
        if (next == nullptr) return std::nullopt;
        if (next->kind == CapKind::Frame) return next->object;
        table = next->object;
    }
    return std::nullopt;
}

// --- Threads

void Builder::reserve_guard(ObjectId vspace, Word page, std::string what) {
    if (const std::optional<ObjectId> frame = mapping(vspace, page)) {
        throw BuildError(describe(vspace) + ": " + elf::hex(page) + ", " + what + ", is mapped already, to " +
                         describe(*frame));
    }
    guards_[vspace].push_back({{page, page + page_size}, std::move(what)});
}

Thread Builder::thread(const std::string &name, const ThreadOptions &options, Word ip) {
    const std::string where = "thread '" + name + "': ";
    const Word stack_top = options.stack_top.value_or(options.ipc_buffer_addr - page_size);
    for (const auto &[value, what] : {std::pair{options.ipc_buffer_addr, "IPC buffer address"},
                                      std::pair{stack_top, "stack top"}, std::pair{options.stack_size, "stack size"}}) {
        if (value % page_size != 0) throw BuildError(where + what + " " + elf::hex(value) + " is not a multiple of 4 KiB");
    }
    if (options.stack_size == 0 || stack_top < page_size || options.stack_size > stack_top - page_size) {
        throw BuildError(where + "a stack of " + elf::hex(options.stack_size) +
                         " bytes and its guard page do not fit below " + elf::hex(stack_top));
    }
    if (options.cspace) get<object::CNode>(*options.cspace);
    if (options.vspace) check_vspace(*options.vspace);
    const ObjectId tcb = this->tcb(name + "_tcb");
    const ObjectId cspace = options.cspace ? *options.cspace : cnode(name + "_cspace", options.cspace_size_bits);
    const std::uint8_t cspace_bits = get<object::CNode>(cspace).size_bits;
    const ObjectId vspace = options.vspace ? *options.vspace : this->vspace(name + "_vspace");
    const Word stack_bottom = stack_top - options.stack_size;
    reserve_guard(vspace, stack_bottom - page_size, "the guard page below thread '" + name + "''s stack");
    for (Word page = stack_bottom; page < stack_top; page += page_size)
        map(vspace, page, frame(name + "_stack_" + elf::hex(page)));
    const ObjectId ipc_buffer = frame(name + "_ipc_buffer");
    map(vspace, options.ipc_buffer_addr, ipc_buffer);
    insert(tcb, object::tcb_slot::cspace,
           cap::cnode(cspace, 0, options.cspace_guard_size.value_or(static_cast<std::uint8_t>(64 - cspace_bits))));
    insert(tcb, object::tcb_slot::vspace, cap::page_table(vspace));
    insert(tcb, object::tcb_slot::ipc_buffer, cap::frame(ipc_buffer));
    get<object::Tcb>(tcb).extra = object::TcbExtra{.ipc_buffer_addr = options.ipc_buffer_addr,
                                                   .affinity = options.affinity,
                                                   .prio = options.prio,
                                                   .max_prio = options.max_prio,
                                                   .fpu_disabled = !options.fpu,
                                                   .resume = options.resume,
                                                   .domain = options.domain,
                                                   .ip = ip,
                                                   .sp = stack_top,
                                                   .gprs = options.gprs,
                                                   .master_fault_ep = std::nullopt};
    return {tcb, cspace, vspace, ipc_buffer};
}

Thread Builder::thread_from_elf(const std::string &name, const std::string &elf_path, const std::string &fill_name,
                                const ThreadOptions &options) {
    elf::File file;
    try {
        file = elf::read(elf_path);
    } catch (const elf::Error &error) {
        throw BuildError("thread '" + name + "': " + error.what());
    }
    if (file.machine != elf_machine(kernel_.arch)) {
        throw BuildError("thread '" + name + "': " + elf_path + " is an ELF file for " + elf::machine_name(file.machine) +
                         ", not " + kernel_.arch);
    }

    // Each page's rights and contents, of every segment that touches it.
    struct Page {
        bool write = false;
        bool execute = false;
        std::vector<object::FillEntry> fills;
    };
    std::map<Word, Page> pages;
    for (const elf::Segment &segment : file.segments) {
        const Word start = segment.virtual_address, file_end = start + segment.data.size();
        for (Word page = align_down(start, page_size); page < start + segment.memory_size; page += page_size) {
            Page &entry = pages[page];
            entry.write |= (segment.flags & pf_w) != 0;
            entry.execute |= (segment.flags & pf_x) != 0;
            const Word from = std::max(page, start), to = std::min(page + page_size, file_end);
            if (from < to)
                entry.fills.push_back({{from - page, to - page}, object::FileData{fill_name, segment.file_offset + (from - start)}});
        }
    }
    ThreadOptions with_vspace = options;
    if (!with_vspace.vspace) with_vspace.vspace = vspace(name + "_vspace");
    for (auto &[address, page] : pages) {
        const ObjectId frame = this->frame(name + "_elf_" + elf::hex(address));
        for (object::FillEntry &fill : page.fills) this->fill(frame, std::move(fill));
        map(*with_vspace.vspace, address, frame, Rights{.read = true, .write = page.write}, true, page.execute);
    }
    return thread(name, with_vspace, file.entry);
}

// --- Untyped covers

void Builder::begin_cover(ObjectId parent) {
    get<object::Untyped>(parent);
    if (open_cover_)
        throw BuildError("begin_cover of " + describe(parent) + ": the cover of " + describe(open_cover_->parent) +
                         " is open");
    const auto next = static_cast<ObjectId>(spec_.objects.size());
    open_cover_ = UntypedCover{parent, {next, next}};
}

void Builder::end_cover() {
    if (!open_cover_) throw BuildError("end_cover without begin_cover");
    open_cover_->children.end = static_cast<ObjectId>(spec_.objects.size());
    spec_.untyped_covers.push_back(*open_cover_);
    open_cover_.reset();
}

Spec Builder::finish() const {
    if (open_cover_) throw BuildError("the untyped cover of " + describe(open_cover_->parent) + " is open (end_cover)");
    const std::vector<std::string> problems = validate(spec_, &kernel_);
    if (!problems.empty()) {
        std::string text =
            "the spec has " + std::to_string(problems.size()) + (problems.size() == 1 ? " problem:" : " problems:");
        for (const std::string &problem : problems) text += "\n  " + problem;
        throw BuildError(text);
    }
    return spec_;
}

} // namespace sel4::capdl
