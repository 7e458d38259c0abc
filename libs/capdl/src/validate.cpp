#include <sel4/capdl/validate.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>

namespace sel4::capdl {

namespace {

// 2^bits, saturated: a size that does not fit in 64 bits is the largest there is.
Word power_of_two(unsigned bits) { return bits >= 64 ? ~Word{0} : Word{1} << bits; }
Word saturating_add(Word a, Word b) { return a > ~Word{0} - b ? ~Word{0} : a + b; }

class Validator {
public:
    Validator(const Spec &spec, const KernelConfig *kernel) : spec_(spec), kernel_(kernel) {}

    std::vector<std::string> run() {
        for (std::size_t index = 0; index < spec_.objects.size(); ++index) check_object(index);
        for (const IrqEntry &irq : spec_.irqs) {
            const std::string where = "irq " + std::to_string(irq.irq);
            if (refers(where + ": handler", irq.handler)) {
                const std::size_t kind = spec_.objects[irq.handler].object.index();
                if (!is_irq_kind(kind)) {
                    report(where + ": handler " + name(irq.handler) + " is a " + std::string(object_kind_names[kind]) +
                           ", not an IRQ object");
                }
            }
        }
        for (std::size_t i = 0; i < spec_.asid_slots.size(); ++i) {
            const std::string where = "asid slot " + std::to_string(i);
            if (refers(where, spec_.asid_slots[i]) &&
                !std::holds_alternative<object::AsidPool>(spec_.objects[spec_.asid_slots[i]].object)) {
                report(where + ": " + name(spec_.asid_slots[i]) + " is not an AsidPool");
            }
        }
        check_ranges();
        check_cover_sizes();
        check_physical_overlaps();
        if (kernel_ != nullptr) {
            for (std::size_t index = 0; index < spec_.objects.size(); ++index) check_for_kernel(static_cast<ObjectId>(index));
            check_paging_levels();
        }
        return std::move(problems_);
    }

private:
    void report(std::string problem) { problems_.push_back(std::move(problem)); }

    // "object 3 'name'" or "object 3".
    std::string name(ObjectId id) const {
        std::string text = "object " + std::to_string(id);
        if (id < spec_.objects.size() && spec_.objects[id].name) text += " '" + *spec_.objects[id].name + "'";
        return text;
    }
    std::string kind_of(ObjectId id) const { return std::string(kind_name(spec_.objects[id].object)); }

    bool refers(const std::string &where, ObjectId id) {
        if (id < spec_.objects.size()) return true;
        report(where + ": refers to object " + std::to_string(id) + ", but the spec has " +
               std::to_string(spec_.objects.size()) + " objects");
        return false;
    }

    void check_cap(const std::string &where, const Cap &cap) {
        const std::string kind(name_of(cap.kind));
        if (refers(where + ": " + kind + " cap", cap.object)) {
            const std::size_t target = spec_.objects[cap.object].object.index();
            if (target != object_kind_of(cap.kind)) {
                report(where + ": a " + kind + " cap to " + name(cap.object) + ", which is a " + kind_of(cap.object));
            }
        }
        if (cap.badge != 0 && cap.kind != CapKind::Endpoint && cap.kind != CapKind::Notification) {
            report(where + ": a " + kind + " cap with badge " + std::to_string(cap.badge) +
                   ", which only Endpoint and Notification caps carry");
        }
        if ((cap.guard != 0 || cap.guard_size != 0) && cap.kind != CapKind::CNode) {
            report(where + ": a " + kind + " cap with a guard, which only CNode caps carry");
        }
        if (cap.kind == CapKind::CNode && cap.guard_size > 64) {
            report(where + ": a CNode cap with a guard of " + std::to_string(cap.guard_size) + " bits (at most 64)");
        }
    }

    // Slots within `limit` (when given), each used once, each cap valid.
    void check_slots(ObjectId id, const CapTable &table, std::optional<std::uint64_t> limit, const std::string &limit_text) {
        std::set<std::uint32_t> seen;
        for (const CapTableEntry &entry : table) {
            const std::string where = name(id) + ": slot " + std::to_string(entry.slot);
            if (limit && entry.slot >= *limit) report(where + " is outside its " + limit_text);
            if (!seen.insert(entry.slot).second) report(where + " holds two caps");
            check_cap(where, entry.cap);
        }
    }

    const Cap *slot(const CapTable &table, std::uint32_t number) const {
        for (const CapTableEntry &entry : table) {
            if (entry.slot == number) return &entry.cap;
        }
        return nullptr;
    }

    void check_tcb(ObjectId id, const object::Tcb &tcb) {
        struct Required {
            std::uint32_t slot;
            std::string_view what;
            CapKind kind;
        };
        for (const Required &required : {Required{object::tcb_slot::cspace, "CSpace", CapKind::CNode},
                                         Required{object::tcb_slot::vspace, "VSpace", CapKind::PageTable},
                                         Required{object::tcb_slot::ipc_buffer, "IPC buffer", CapKind::Frame}}) {
            const Cap *cap = slot(tcb.slots, required.slot);
            const std::string where =
                name(id) + ": no " + std::string(required.what) + " (slot " + std::to_string(required.slot) + ")";
            if (cap == nullptr) {
                report(where);
            } else if (cap->kind != required.kind) {
                report(where + ": it holds a " + std::string(name_of(cap->kind)) +
                       " cap, not a " + std::string(name_of(required.kind)) + " cap");
            }
        }
    }

    void check_object(std::size_t index) {
        const auto id = static_cast<ObjectId>(index);
        const Object &object = spec_.objects[index].object;
        if (const auto *cnode = std::get_if<object::CNode>(&object)) {
            if (cnode->size_bits == 0 || cnode->size_bits > 32) {
                report(name(id) + ": a CNode of 2^" + std::to_string(cnode->size_bits) + " slots (1 to 32 bits)");
            }
            const Word size = power_of_two(cnode->size_bits);
            check_slots(id, cnode->slots, size, "2^" + std::to_string(cnode->size_bits) + " slots");
        } else if (const auto *tcb = std::get_if<object::Tcb>(&object)) {
            check_slots(id, tcb->slots, std::nullopt, "");
            check_tcb(id, *tcb);
        } else if (const auto *table = std::get_if<object::PageTable>(&object)) {
            const Word entries = !table->is_root ? page_table_entries
                                 : kernel_ != nullptr ? power_of_two(kernel_->index_bits(0))
                                                      : max_root_entries;
            check_slots(id, table->slots, entries, std::to_string(entries) + " entries");
            for (const CapTableEntry &entry : table->slots) {
                if (entry.cap.kind != CapKind::PageTable && entry.cap.kind != CapKind::Frame) {
                    report(name(id) + ": slot " + std::to_string(entry.slot) + ": a " +
                           std::string(name_of(entry.cap.kind)) +
                           " cap in a page table, which maps only page tables and frames");
                }
            }
        } else if (const CapTable *slots = slots_of(object)) {
            check_slots(id, *slots, std::nullopt, "");
        }
        if (const auto *frame = std::get_if<object::Frame>(&object)) {
            const Word size = power_of_two(frame->size_bits);
            for (const object::FillEntry &entry : frame->init) {
                if (entry.range.start >= entry.range.end || entry.range.end > size) {
                    report(name(id) + ": fill [" + std::to_string(entry.range.start) + ", " +
                           std::to_string(entry.range.end) + ") is not within the frame's " + std::to_string(size) + " bytes");
                }
            }
        }
    }

    void check_ranges() {
        const auto count = static_cast<ObjectId>(spec_.objects.size());
        if (spec_.root_objects.start > spec_.root_objects.end || spec_.root_objects.end > count) {
            report("root_objects [" + std::to_string(spec_.root_objects.start) + ", " +
                   std::to_string(spec_.root_objects.end) + ") is not within the spec's " + std::to_string(count) + " objects");
        }
        for (std::size_t i = 0; i < spec_.untyped_covers.size(); ++i) {
            const UntypedCover &cover = spec_.untyped_covers[i];
            const std::string where = "untyped cover " + std::to_string(i);
            const std::size_t problems = problems_.size();
            if (refers(where + ": parent", cover.parent) &&
                !std::holds_alternative<object::Untyped>(spec_.objects[cover.parent].object)) {
                report(where + ": parent " + name(cover.parent) + " is a " + kind_of(cover.parent) + ", not an Untyped");
            }
            if (cover.children.start > cover.children.end || cover.children.end > count) {
                report(where + ": children [" + std::to_string(cover.children.start) + ", " +
                       std::to_string(cover.children.end) + ") are not within the spec's " + std::to_string(count) + " objects");
            } else if (cover.children.start < spec_.root_objects.end && spec_.root_objects.start < cover.children.end) {
                report(where + ": children [" + std::to_string(cover.children.start) + ", " +
                       std::to_string(cover.children.end) + ") overlap the root objects");
            }
            if (problems_.size() == problems) sound_covers_.push_back(&cover);
        }
    }

    // The children of an untyped's covers, retyped from it in order, each aligned to its size
    // as the kernel aligns them, must fit in it (of the covers check_ranges found sound).
    // Without a kernel, the sizes are the least any configuration has.
    void check_cover_sizes() {
        const ObjectSizes sizes = kernel_ != nullptr ? kernel_->object_sizes() : ObjectSizes{};
        std::map<ObjectId, Word> needed; // by parent
        for (const UntypedCover *cover : sound_covers_) {
            Word &end = needed[cover->parent];
            for (ObjectId child = cover->children.start; child < cover->children.end; ++child) {
                const std::optional<unsigned> bits = size_bits_of(spec_.objects[child].object, sizes);
                if (!bits) continue;
                const Word size = power_of_two(*bits);
                if (end % size != 0) end = saturating_add(end, size - end % size);
                end = saturating_add(end, size);
            }
        }
        for (const auto &[parent, bytes] : needed) {
            const unsigned bits = std::get<object::Untyped>(spec_.objects[parent].object).size_bits;
            if (bytes > power_of_two(bits)) {
                report(name(parent) + ": untyped cover: its children need " + std::to_string(bytes) + " bytes, more than its 2^" +
                       std::to_string(bits));
            }
        }
    }

    // Objects at a physical address (untypeds and frames) must not share memory.
    void check_physical_overlaps() {
        struct Placed {
            Word start;
            Word end;
            ObjectId id;
        };
        std::vector<Placed> placed;
        for (std::size_t index = 0; index < spec_.objects.size(); ++index) {
            std::optional<Word> paddr;
            std::uint8_t size_bits = 0;
            if (const auto *frame = std::get_if<object::Frame>(&spec_.objects[index].object)) {
                paddr = frame->paddr;
                size_bits = frame->size_bits;
            } else if (const auto *untyped = std::get_if<object::Untyped>(&spec_.objects[index].object)) {
                paddr = untyped->paddr;
                size_bits = untyped->size_bits;
            }
            if (!paddr) continue;
            const Word size = power_of_two(size_bits);
            if (*paddr % size != 0) {
                report(name(static_cast<ObjectId>(index)) + ": physical address " + hex(*paddr) + " is not aligned to its size 2^" +
                       std::to_string(size_bits));
            }
            placed.push_back({*paddr, *paddr + std::min(size, ~Word{0} - *paddr), static_cast<ObjectId>(index)});
        }
        std::sort(placed.begin(), placed.end(), [](const Placed &a, const Placed &b) { return a.start < b.start; });
        for (std::size_t i = 1; i < placed.size(); ++i) {
            if (placed[i].start < placed[i - 1].end) {
                report(name(placed[i - 1].id) + " and " + name(placed[i].id) + " overlap at physical address " +
                       hex(placed[i].start));
            }
        }
    }

    static std::string hex(Word value) {
        char text[24];
        std::snprintf(text, sizeof text, "%#llx", static_cast<unsigned long long>(value));
        return text;
    }

    // --- The rules of one kernel configuration ---

    // The arches that have an object kind (nullptr: every arch).
    static const char *arch_of(const Object &object) {
        const std::size_t kind = object.index();
        if (kind == kind_index<object::VCpu> || kind == kind_index<object::ArmIrq> || kind == kind_index<object::ArmSmc>) {
            return "aarch64";
        }
        if (kind == kind_index<object::RiscvIrq>) return "riscv64";
        if (kind == kind_index<object::IOSpace> || kind == kind_index<object::IOPageTable> ||
            kind == kind_index<object::IrqMsi> || kind == kind_index<object::IrqIOApic> || kind == kind_index<object::IOPorts>) {
            return "x86_64";
        }
        return nullptr;
    }

    std::string frame_sizes_text() const {
        std::string text;
        for (unsigned bits : kernel_->frame_sizes()) text += (text.empty() ? "2^" : ", 2^") + std::to_string(bits);
        return text;
    }
    unsigned max_untyped_bits() const { return kernel_->arch == "riscv64" ? 38 : 47; }

    void check_for_kernel(ObjectId id) {
        const KernelConfig &k = *kernel_;
        const Object &object = spec_.objects[id].object;
        const std::string kind(kind_name(object));
        if (const char *arch = arch_of(object); arch != nullptr && k.arch != arch) {
            report(name(id) + ": a " + kind + " object, which " + k.arch + " kernels do not have");
        }
        if (std::holds_alternative<object::VCpu>(object) && k.arch == "aarch64" && !k.hypervisor) {
            report(name(id) + ": a VCpu object, which needs ARM_HYPERVISOR_SUPPORT (off in the kernel configuration)");
        }
        const bool mcs_only = std::holds_alternative<object::SchedContext>(object) || std::holds_alternative<object::Reply>(object);
        if (mcs_only && !k.mcs) {
            report(name(id) + ": a " + kind + " object, which only MCS kernels have (KERNEL_MCS is off)");
        }
        if (const auto *frame = std::get_if<object::Frame>(&object)) {
            const auto sizes = k.frame_sizes();
            if (std::find(sizes.begin(), sizes.end(), frame->size_bits) == sizes.end()) {
                report(name(id) + ": a frame of 2^" + std::to_string(frame->size_bits) + " bytes, which " + k.arch +
                       " does not have (its frames are " + frame_sizes_text() + ")");
            }
        }
        if (const auto *untyped = std::get_if<object::Untyped>(&object)) {
            if (untyped->size_bits < 4 || untyped->size_bits > max_untyped_bits()) {
                report(name(id) + ": an untyped of 2^" + std::to_string(untyped->size_bits) + " bytes (" + k.arch +
                       " takes 2^4 to 2^" + std::to_string(max_untyped_bits()) + ")");
            }
        }
        if (const auto *table = std::get_if<object::PageTable>(&object); table != nullptr && table->x86_ept && k.arch != "x86_64") {
            report(name(id) + ": an EPT page table, which " + k.arch + " kernels do not have");
        }
        if (const auto *tcb = std::get_if<object::Tcb>(&object)) check_tcb_for_kernel(id, *tcb);
    }

    void check_tcb_for_kernel(ObjectId id, const object::Tcb &tcb) {
        const KernelConfig &k = *kernel_;
        if (tcb.extra.affinity >= k.num_nodes) {
            report(name(id) + ": affinity " + std::to_string(tcb.extra.affinity) + ", but the kernel has " +
                   std::to_string(k.num_nodes) + " core" + (k.num_nodes == 1 ? "" : "s") + " (MAX_NUM_NODES=" +
                   std::to_string(k.num_nodes) + ")");
        }
        if (tcb.extra.domain && *tcb.extra.domain >= k.num_domains) {
            report(name(id) + ": domain " + std::to_string(*tcb.extra.domain) + ", but the kernel has " +
                   std::to_string(k.num_domains) + " domain" + (k.num_domains == 1 ? "" : "s") + " (NUM_DOMAINS=" +
                   std::to_string(k.num_domains) + ")");
        }
        if (k.mcs && tcb.extra.master_fault_ep) {
            report(name(id) + ": a fault endpoint CPtr (master_fault_ep), which only non-MCS kernels take; an MCS "
                              "kernel takes the fault endpoint's cap in slot 5");
        }
        if (!k.mcs) {
            for (const auto &[slot, what] : {std::pair{object::tcb_slot::fault_ep, "fault endpoint"},
                                            std::pair{object::tcb_slot::sched_context, "scheduling context"},
                                            std::pair{object::tcb_slot::temp_fault_ep, "timeout endpoint"}}) {
                if (this->slot(tcb.slots, slot) != nullptr) {
                    report(name(id) + ": slot " + std::to_string(slot) + " (" + what +
                           ") is for MCS kernels (KERNEL_MCS is off)");
                }
            }
        }
    }

    // Each page table's level, from its VSpace root down: at level L a table maps frames of
    // 2^mapped_bits(L) bytes (12 + 9 * (levels - 1 - L)) and tables of level L + 1.
    void check_paging_levels() {
        levels_.assign(spec_.objects.size(), std::nullopt);
        for (std::size_t index = 0; index < spec_.objects.size(); ++index) {
            const auto *table = std::get_if<object::PageTable>(&spec_.objects[index].object);
            if (table != nullptr && table->is_root) place_table(static_cast<ObjectId>(index), 0, std::nullopt);
        }
    }

    void place_table(ObjectId id, unsigned level, std::optional<ObjectId> parent) {
        const auto &table = std::get<object::PageTable>(spec_.objects[id].object);
        if (levels_[id]) {
            if (*levels_[id] != level) report(name(id) + ": is at level " + std::to_string(*levels_[id]) + " and " + std::to_string(level));
            return;
        }
        levels_[id] = level;
        if (table.level && *table.level != level) {
            report(name(id) + ": at level " + std::to_string(level) +
                   (parent ? " under " + name(*parent) : std::string(" as a VSpace root")) + ", but its level says " +
                   std::to_string(*table.level));
        }
        const unsigned last = kernel_->pt_levels - 1;
        const unsigned mapped_bits = kernel_->mapped_bits(level);
        const bool maps_frames = kernel_->frame_level(mapped_bits).has_value();
        for (const CapTableEntry &entry : table.slots) {
            if (entry.cap.object >= spec_.objects.size()) continue; // reported as dangling
            const std::string where = name(id) + ": slot " + std::to_string(entry.slot);
            const Object &target = spec_.objects[entry.cap.object].object;
            if (entry.cap.kind == CapKind::PageTable && std::holds_alternative<object::PageTable>(target)) {
                if (level == last) {
                    report(where + ": a PageTable cap at level " + std::to_string(level) + ", the last, which maps only frames");
                } else {
                    place_table(entry.cap.object, level + 1, id);
                }
            } else if (entry.cap.kind == CapKind::Frame && std::holds_alternative<object::Frame>(target)) {
                const unsigned bits = std::get<object::Frame>(target).size_bits;
                if (!maps_frames) {
                    report(where + ": a Frame cap at level " + std::to_string(level) + ", which holds only page tables");
                } else if (bits != mapped_bits) {
                    report(where + ": a frame of 2^" + std::to_string(bits) + " bytes at level " + std::to_string(level) +
                           ", which maps frames of 2^" + std::to_string(mapped_bits));
                }
            }
        }
    }

    const Spec &spec_;
    const KernelConfig *kernel_;
    std::vector<std::optional<unsigned>> levels_;
    std::vector<const UntypedCover *> sound_covers_;
    std::vector<std::string> problems_;
};

} // namespace

std::vector<std::string> validate(const Spec &spec, const KernelConfig *kernel) { return Validator(spec, kernel).run(); }

} // namespace sel4::capdl
