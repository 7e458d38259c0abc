#include <sel4/capdl/binary_writer.hpp>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <tuple>

namespace sel4::capdl::binary {

namespace {

// Whether the initializer gets the object's cap from a control cap (IRQ handlers, I/O ports).
bool has_control_cap(const capdl::Object &object) {
    return is_irq_kind(object.index()) || std::holds_alternative<object::IOPorts>(object);
}

// Whether the initializer makes the object with Untyped_Retype (ASID pools: from an untyped
// of their size, which it then turns into the pool).
bool is_retyped(const capdl::Object &object, bool embedded) {
    const std::size_t kind = object.index();
    return !embedded && !has_control_cap(object) && kind != kind_index<object::ArmSmc> &&
           kind != kind_index<object::DomainSet>;
}

bool is_embedded(const Contents &contents, ObjectId id) {
    return id < contents.embedded_page.size() && contents.embedded_page[id].has_value();
}

// A paging structure's level (the VSpace roots first), which decides its object type; 0 for
// other objects.
unsigned table_level(const capdl::Object &object) {
    const auto *table = std::get_if<object::PageTable>(&object);
    return table == nullptr || table->is_root ? 0 : table->level.value_or(0xff);
}

std::optional<Word> paddr_of(const capdl::Object &object) {
    if (const auto *u = std::get_if<object::Untyped>(&object)) return u->paddr;
    if (const auto *f = std::get_if<object::Frame>(&object)) return f->paddr;
    return std::nullopt;
}

std::uint8_t rights_flags(const Rights &r) {
    return static_cast<std::uint8_t>((r.read ? cap_flag::read : 0) | (r.write ? cap_flag::write : 0) |
                                     (r.grant ? cap_flag::grant : 0) | (r.grant_reply ? cap_flag::grant_reply : 0));
}

class Writer {
public:
    Writer(const Spec &spec, const KernelConfig &kernel, const Contents &contents, const WriteOptions &options)
        : spec_(spec), kernel_(kernel), contents_(contents), options_(options) {}

    std::vector<std::uint8_t> run() {
        const std::vector<ObjectId> order = creation_order(spec_, kernel_, contents_);
        std::vector<std::uint32_t> slot(spec_.objects.size(), none);
        for (std::size_t n = 0; n < order.size(); ++n) slot[order[n]] = static_cast<std::uint32_t>(n);
        header_.orig_slots = static_cast<std::uint32_t>(order.size());
        // The IRQ handlers and I/O port ranges get their caps from the control caps.
        for (ObjectId id = 0; id < spec_.objects.size(); ++id)
            if (has_control_cap(spec_.objects[id].object)) slot[id] = header_.orig_slots++;
        strings_.push_back('\0'); // offset 0: the empty name, so that `none` is the only absent one

        for (ObjectId id = 0; id < spec_.objects.size(); ++id) add_object(id, slot[id]);
        for (const IrqEntry &irq : spec_.irqs) irqs_.push_back({irq.irq, irq.handler, 0});
        asid_slots_.assign(spec_.asid_slots.begin(), spec_.asid_slots.end());
        for (const UntypedCover &c : spec_.untyped_covers) covers_.push_back({c.parent, c.children.start, c.children.end});
        if (spec_.domain_schedule) {
            header_.flags |= header_flag::has_domain_schedule;
            for (const capdl::DomainSchedEntry &e : *spec_.domain_schedule)
                schedule_.push_back({e.duration, e.domain, static_cast<std::uint8_t>(e.kind), {}});
        }
        if (spec_.domain_set_start) {
            header_.flags |= header_flag::has_domain_set_start;
            header_.domain_set_start = *spec_.domain_set_start;
        }
        if (spec_.domain_idx_shift) {
            header_.flags |= header_flag::has_domain_idx_shift;
            header_.domain_idx_shift = *spec_.domain_idx_shift;
        }
        std::memcpy(header_.magic, magic, sizeof magic);
        header_.version = version;
        header_.log_level = options_.log_level;
        header_.root_objects_start = spec_.root_objects.start;
        header_.root_objects_end = spec_.root_objects.end;
        header_.embedded_frames = 0;
        header_.tick_us = kernel_.timer_tick_ms * 1000;
        for (const auto &page : contents_.embedded_page)
            if (page) header_.embedded_frames = std::max(header_.embedded_frames, *page + 1);

        std::vector<std::uint8_t> out(sizeof(Header));
        append(out, Table::Objects, objects_);
        append(out, Table::Caps, caps_);
        append(out, Table::Words, words_);
        append(out, Table::Fills, fills_);
        append(out, Table::Bytes, bytes_);
        append(out, Table::Strings, strings_);
        append(out, Table::Irqs, irqs_);
        append(out, Table::AsidSlots, asid_slots_);
        append(out, Table::Covers, covers_);
        append(out, Table::DomainSchedule, schedule_);
        append(out, Table::Order, order);
        if (out.size() > 0xffff'ffffu) throw std::length_error("the serialized spec is larger than 4 GiB");
        header_.size = static_cast<std::uint32_t>(out.size());
        std::memcpy(out.data(), &header_, sizeof header_);
        return out;
    }

    std::uint32_t copy_slots() {
        for (ObjectId id = 0; id < spec_.objects.size(); ++id) add_caps(id);
        return header_.copy_slots;
    }

private:
    template <class T> void append(std::vector<std::uint8_t> &out, Table table, const std::vector<T> &records) {
        while (out.size() % 8 != 0) out.push_back(0);
        header_.tables[static_cast<std::size_t>(table)] = {static_cast<std::uint32_t>(out.size()),
                                                           static_cast<std::uint32_t>(records.size())};
        const std::size_t at = out.size(), bytes = records.size() * sizeof(T);
        out.resize(at + bytes);
        if (bytes > 0) std::memcpy(out.data() + at, records.data(), bytes);
    }

    std::uint32_t name(ObjectId id) {
        const NamedObject &o = spec_.objects[id];
        const bool keep = options_.names == Names::all ||
                          (options_.names == Names::tcbs && std::holds_alternative<object::Tcb>(o.object));
        if (!keep || !o.name) return none;
        const auto offset = static_cast<std::uint32_t>(strings_.size());
        strings_.insert(strings_.end(), o.name->begin(), o.name->end());
        strings_.push_back('\0');
        return offset;
    }

    void add_object(ObjectId id, std::uint32_t slot) {
        const capdl::Object &object = spec_.objects[id].object;
        Object r{};
        r.kind = static_cast<std::uint8_t>(object.index());
        r.name = name(id);
        r.slot = slot;
        r.words = static_cast<std::uint32_t>(words_.size());
        if (const CapTable *slots = slots_of(object)) {
            r.first = static_cast<std::uint32_t>(caps_.size());
            r.count = static_cast<std::uint32_t>(slots->size());
            add_caps(id);
        }
        std::visit([&](const auto &o) { describe(id, o, r); }, object);
        objects_.push_back(r);
    }

    // The cap records of an object's table, counting the frame-cap copies its mappings need.
    void add_caps(ObjectId id) {
        const capdl::Object &object = spec_.objects[id].object;
        const bool page_table = std::holds_alternative<object::PageTable>(object);
        const CapTable *table = slots_of(object);
        if (table == nullptr) return;
        if (mapped_.empty()) mapped_.assign(spec_.objects.size(), false);
        for (const CapTableEntry &e : *table) {
            Cap c{};
            c.slot = e.slot;
            c.object = e.cap.object;
            c.kind = static_cast<std::uint8_t>(e.cap.kind);
            c.flags = static_cast<std::uint8_t>(rights_flags(e.cap.rights) | (e.cap.cached ? cap_flag::cached : 0) |
                                                (e.cap.executable ? cap_flag::executable : 0));
            c.guard_size = e.cap.guard_size;
            c.badge = e.cap.kind == CapKind::CNode ? e.cap.guard : e.cap.badge;
            if (page_table && e.cap.kind == CapKind::Frame) {
                // A frame's first mapping uses its own cap; the others (and every mapping of
                // an embedded frame, whose cap the initializer's image has mapped) a copy.
                if (!mapped_[e.cap.object] && !is_embedded(contents_, e.cap.object)) {
                    mapped_[e.cap.object] = true;
                    c.map_orig = 1;
                } else {
                    ++header_.copy_slots;
                }
            }
            caps_.push_back(c);
        }
    }

    void word(std::uint64_t w) { words_.push_back(w); }

    void describe(ObjectId, const object::Untyped &o, Object &r) {
        r.size_bits = o.size_bits;
        if (o.paddr) {
            r.flags |= object_flag::has_paddr;
            word(*o.paddr);
        }
    }
    void describe(ObjectId, const object::CNode &o, Object &r) { r.size_bits = o.size_bits; }
    void describe(ObjectId, const object::Tcb &o, Object &) {
        const object::TcbExtra &x = o.extra;
        word(x.ipc_buffer_addr);
        word(x.affinity);
        word(x.ip);
        word(x.sp);
        word(std::uint64_t{x.prio} | std::uint64_t{x.max_prio} << tcb_bits::max_prio_shift |
             (x.fpu_disabled ? tcb_bits::fpu_disabled : 0) | (x.resume ? tcb_bits::resume : 0) |
             (x.domain ? tcb_bits::has_domain | std::uint64_t{*x.domain} << tcb_bits::domain_shift : 0) |
             (x.master_fault_ep ? tcb_bits::has_master_fault_ep : 0));
        word(x.master_fault_ep.value_or(0));
        word(x.gprs.size());
        for (Word g : x.gprs) word(g);
    }
    void describe(ObjectId id, const object::Frame &o, Object &r) {
        r.size_bits = o.size_bits;
        if (o.paddr) {
            r.flags |= object_flag::has_paddr;
            word(*o.paddr);
        }
        if (is_embedded(contents_, id)) {
            r.flags |= object_flag::embedded;
            word(*contents_.embedded_page[id]);
            return;
        }
        r.first = static_cast<std::uint32_t>(fills_.size());
        r.count = static_cast<std::uint32_t>(o.init.size());
        const std::vector<FillData> *data = id < contents_.fill_data.size() ? &contents_.fill_data[id] : nullptr;
        std::size_t next_data = 0;
        for (const object::FillEntry &e : o.init) {
            Fill f{};
            f.begin = static_cast<std::uint32_t>(e.range.start);
            f.end = static_cast<std::uint32_t>(e.range.end);
            if (const auto *b = std::get_if<object::BootInfoData>(&e.content)) {
                f.kind = fill_kind::boot_info;
                f.boot_info_id = static_cast<std::uint8_t>(b->id);
                f.data = static_cast<std::uint32_t>(b->offset);
            } else {
                if (data == nullptr || next_data >= data->size())
                    throw std::logic_error("frame " + std::to_string(id) + ": fill data missing");
                const FillData &d = (*data)[next_data++];
                f.kind = d.deflated ? fill_kind::deflated : fill_kind::bytes;
                f.data = static_cast<std::uint32_t>(bytes_.size());
                f.data_size = static_cast<std::uint32_t>(d.bytes.size());
                bytes_.insert(bytes_.end(), d.bytes.begin(), d.bytes.end());
            }
            fills_.push_back(f);
        }
    }
    void describe(ObjectId, const object::PageTable &o, Object &r) {
        r.flags = static_cast<std::uint8_t>((o.is_root ? object_flag::is_root : 0) | (o.x86_ept ? object_flag::x86_ept : 0) |
                                            (o.level ? object_flag::has_level : 0));
        r.level = o.level.value_or(0);
    }
    void describe(ObjectId, const object::AsidPool &o, Object &) { word(o.high); }
    void describe(ObjectId, const object::IOSpace &o, Object &) {
        word(o.domain_id);
        word(o.pci_device.bus);
        word(o.pci_device.device);
        word(o.pci_device.function);
    }
    void describe(ObjectId, const object::IOPageTable &o, Object &) { word(o.level); }
    void describe(ObjectId, const object::ArmIrq &o, Object &) {
        word(o.trigger);
        word(o.target);
    }
    void describe(ObjectId, const object::IrqMsi &o, Object &) {
        word(o.handle);
        word(o.pci_bus);
        word(o.pci_dev);
        word(o.pci_func);
    }
    void describe(ObjectId, const object::IrqIOApic &o, Object &) {
        word(o.ioapic);
        word(o.pin);
        word(o.level);
        word(o.polarity);
    }
    void describe(ObjectId, const object::RiscvIrq &o, Object &) { word(o.trigger); }
    void describe(ObjectId, const object::IOPorts &o, Object &) {
        word(o.start_port);
        word(o.end_port);
    }
    void describe(ObjectId, const object::SchedContext &o, Object &r) {
        r.size_bits = o.size_bits;
        word(o.period);
        word(o.budget);
        word(o.badge);
    }
    template <class T> void describe(ObjectId, const T &, Object &) {} // Endpoint, Notification, Irq, ...

    const Spec &spec_;
    const KernelConfig &kernel_;
    const Contents &contents_;
    const WriteOptions &options_;
    Header header_{};
    std::vector<Object> objects_;
    std::vector<Cap> caps_;
    std::vector<std::uint64_t> words_;
    std::vector<Fill> fills_;
    std::vector<std::uint8_t> bytes_;
    std::vector<char> strings_;
    std::vector<Irq> irqs_;
    std::vector<std::uint32_t> asid_slots_;
    std::vector<Cover> covers_;
    std::vector<DomainSchedEntry> schedule_;
    std::vector<bool> mapped_;
};

} // namespace

std::vector<ObjectId> creation_order(const Spec &spec, const KernelConfig &kernel, const Contents &contents) {
    std::vector<ObjectId> with_paddr, others;
    for (ObjectId id = spec.root_objects.start; id < spec.root_objects.end; ++id) {
        const capdl::Object &object = spec.objects[id].object;
        if (!is_retyped(object, is_embedded(contents, id))) continue;
        (paddr_of(object) ? with_paddr : others).push_back(id);
    }
    std::stable_sort(with_paddr.begin(), with_paddr.end(), [&](ObjectId a, ObjectId b) {
        return *paddr_of(spec.objects[a].object) < *paddr_of(spec.objects[b].object);
    });
    std::stable_sort(others.begin(), others.end(), [&](ObjectId a, ObjectId b) {
        const capdl::Object &x = spec.objects[a].object, &y = spec.objects[b].object;
        const ObjectSizes sizes = kernel.object_sizes();
        return std::tuple(size_bits_of(y, sizes).value_or(0), x.index(), table_level(x)) <
               std::tuple(size_bits_of(x, sizes).value_or(0), y.index(), table_level(y));
    });
    std::vector<ObjectId> order = with_paddr;
    order.insert(order.end(), others.begin(), others.end());
    for (const UntypedCover &cover : spec.untyped_covers)
        for (ObjectId id = cover.children.start; id < cover.children.end; ++id)
            if (is_retyped(spec.objects[id].object, is_embedded(contents, id))) order.push_back(id);
    return order;
}

std::vector<std::uint8_t> write(const Spec &spec, const KernelConfig &kernel, const Contents &contents,
                                const WriteOptions &options) {
    return Writer(spec, kernel, contents, options).run();
}

std::uint64_t minimum_system_calls(const Spec &spec, const KernelConfig &kernel, const Contents &contents) {
    std::uint64_t calls = 0;
    const std::vector<ObjectId> order = creation_order(spec, kernel, contents);
    const auto type_of = [&](ObjectId id) {
        const capdl::Object &o = spec.objects[id].object;
        return std::tuple(o.index(), size_bits_of(o, kernel.object_sizes()).value_or(0), table_level(o));
    };
    for (std::size_t n = 0, run = 0; n < order.size(); ++n) {
        const capdl::Object &o = spec.objects[order[n]].object;
        const bool alone = std::holds_alternative<object::AsidPool>(o) || paddr_of(o).has_value();
        run = n > 0 && !alone && type_of(order[n]) == type_of(order[n - 1]) && run < 256 ? run + 1 : 1;
        if (run == 1) ++calls;
        if (std::holds_alternative<object::AsidPool>(o)) ++calls; // ASIDControl_MakePool
    }
    for (const IrqEntry &irq : spec.irqs) {
        const CapTable *slots = slots_of(spec.objects.at(irq.handler).object);
        calls += 1 + (slots != nullptr && !slots->empty() ? 1 : 0);
    }
    for (const NamedObject &named : spec.objects) {
        const capdl::Object &o = named.object;
        if (const auto *table = std::get_if<object::PageTable>(&o)) {
            calls += table->slots.size() + (table->is_root ? 1 : 0);
        } else if (const auto *cnode = std::get_if<object::CNode>(&o)) {
            calls += cnode->slots.size();
        } else if (const auto *tcb = std::get_if<object::Tcb>(&o)) {
            calls += 3 + (tcb->extra.resume ? 1 : 0) + (kernel.num_nodes > 1 && !kernel.mcs ? 1 : 0);
            for (const CapTableEntry &e : tcb->slots) {
                using namespace object::tcb_slot;
                if (e.slot == bound_notification || e.slot == vcpu || e.slot == temp_fault_ep) ++calls;
            }
        } else if (std::holds_alternative<object::SchedContext>(o) || std::holds_alternative<object::IOPorts>(o)) {
            ++calls;
        }
    }
    return calls;
}

SlotNeeds slot_needs(const Spec &spec, const KernelConfig &kernel, const Contents &contents) {
    const WriteOptions options;
    std::uint32_t orig = static_cast<std::uint32_t>(creation_order(spec, kernel, contents).size());
    for (const NamedObject &o : spec.objects) orig += has_control_cap(o.object) ? 1 : 0;
    return {orig, Writer(spec, kernel, contents, options).copy_slots()};
}

} // namespace sel4::capdl::binary
