// The serialized spec (sel4/capdl/binary.hpp, binary_writer.hpp): random specs written and
// read back field by field, the creation order's rules, and the reader against mutated specs
// (each refused through its failure function or read whole, never a fault).
#include "random_spec.hpp"

#include <sel4/capdl/binary.hpp>
#include <sel4/capdl/binary_writer.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace sel4::capdl;
namespace binary = sel4::capdl::binary;
using binary::Table;

namespace {

// What the tests' failure function throws.
class CorruptSpec : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Throw {
    [[noreturn]] void operator()(std::string_view what, std::uint64_t index, std::uint64_t bound) const {
        throw CorruptSpec(std::string(what) + " " + std::to_string(index) + " (" + std::to_string(bound) + ")");
    }
};
using View = binary::SpecView<Throw>;

View open(const std::vector<std::uint8_t> &bytes) {
    return View(reinterpret_cast<const std::byte *>(bytes.data()), bytes.size(), Throw{});
}

// --- The expected serialization, computed here from the spec alone ---------------------------

bool has_control_cap(std::size_t kind) { return is_irq_kind(kind) || kind == kind_index<object::IOPorts>; }
bool retyped(std::size_t kind, bool embedded) {
    return !embedded && !has_control_cap(kind) && kind != kind_index<object::ArmSmc> && kind != kind_index<object::DomainSet>;
}
bool embedded(const binary::Contents &contents, ObjectId id) {
    return id < contents.embedded_page.size() && contents.embedded_page[id].has_value();
}

std::optional<Word> paddr_of(const Object &object) {
    if (const auto *u = std::get_if<object::Untyped>(&object)) return u->paddr;
    if (const auto *f = std::get_if<object::Frame>(&object)) return f->paddr;
    return std::nullopt;
}

// An object's words, as binary.hpp lists them by kind.
std::vector<Word> expected_words(const Object &object, std::optional<std::uint32_t> page) {
    std::vector<Word> w;
    if (const auto *o = std::get_if<object::Untyped>(&object)) {
        if (o->paddr) w.push_back(*o->paddr);
    } else if (const auto *o = std::get_if<object::Frame>(&object)) {
        if (o->paddr) w.push_back(*o->paddr);
        if (page) w.push_back(*page);
    } else if (const auto *o = std::get_if<object::Tcb>(&object)) {
        const object::TcbExtra &x = o->extra;
        Word bits = x.prio | Word{x.max_prio} << 8;
        if (x.fpu_disabled) bits |= binary::tcb_bits::fpu_disabled;
        if (x.resume) bits |= binary::tcb_bits::resume;
        if (x.domain) bits |= binary::tcb_bits::has_domain | Word{*x.domain} << 24;
        if (x.master_fault_ep) bits |= binary::tcb_bits::has_master_fault_ep;
        w = {x.ipc_buffer_addr, x.affinity, x.ip, x.sp, bits, x.master_fault_ep.value_or(0), x.gprs.size()};
        w.insert(w.end(), x.gprs.begin(), x.gprs.end());
    } else if (const auto *o = std::get_if<object::ArmIrq>(&object)) {
        w = {o->trigger, o->target};
    } else if (const auto *o = std::get_if<object::RiscvIrq>(&object)) {
        w = {o->trigger};
    } else if (const auto *o = std::get_if<object::IrqMsi>(&object)) {
        w = {o->handle, o->pci_bus, o->pci_dev, o->pci_func};
    } else if (const auto *o = std::get_if<object::IrqIOApic>(&object)) {
        w = {o->ioapic, o->pin, o->level, o->polarity};
    } else if (const auto *o = std::get_if<object::IOPorts>(&object)) {
        w = {o->start_port, o->end_port};
    } else if (const auto *o = std::get_if<object::SchedContext>(&object)) {
        w = {o->period, o->budget, o->badge};
    } else if (const auto *o = std::get_if<object::AsidPool>(&object)) {
        w = {o->high};
    } else if (const auto *o = std::get_if<object::IOSpace>(&object)) {
        w = {o->domain_id, o->pci_device.bus, o->pci_device.device, o->pci_device.function};
    } else if (const auto *o = std::get_if<object::IOPageTable>(&object)) {
        w = {o->level};
    }
    return w;
}

std::optional<std::uint8_t> expected_size_bits(const Object &object) {
    if (const auto *o = std::get_if<object::Untyped>(&object)) return o->size_bits;
    if (const auto *o = std::get_if<object::CNode>(&object)) return o->size_bits;
    if (const auto *o = std::get_if<object::Frame>(&object)) return o->size_bits;
    if (const auto *o = std::get_if<object::SchedContext>(&object)) return o->size_bits;
    return std::nullopt;
}

std::uint8_t expected_cap_flags(const Cap &cap) {
    namespace f = binary::cap_flag;
    return static_cast<std::uint8_t>((cap.rights.read ? f::read : 0) | (cap.rights.write ? f::write : 0) |
                                     (cap.rights.grant ? f::grant : 0) | (cap.rights.grant_reply ? f::grant_reply : 0) |
                                     (cap.cached ? f::cached : 0) | (cap.executable ? f::executable : 0));
}

// A random spec of a shape the writer takes: the root objects and the covers' children apart
// (RandomSpec's covers overlap its roots, which the validator refuses), the covers' parents
// untypeds among the roots.
Spec random_spec(unsigned seed, std::mt19937_64 &random) {
    const std::size_t count = 1 + seed % 40;
    Spec spec = capdl_test::RandomSpec(seed).make(count);
    spec.untyped_covers.clear();
    spec.root_objects = {static_cast<ObjectId>(count > 3 && random() % 4 == 0 ? 1 : 0), static_cast<ObjectId>(count)};
    if (count > 4 && random() % 2 == 0) {
        const auto roots_end = static_cast<ObjectId>(2 + random() % (count - 3));
        spec.root_objects.end = roots_end;
        const ObjectId parent = spec.root_objects.start;
        spec.objects[parent].object = object::Untyped{20, std::nullopt};
        const auto split = static_cast<ObjectId>(roots_end + random() % (count - roots_end));
        spec.untyped_covers.push_back({parent, {roots_end, split}});
        spec.untyped_covers.push_back({parent, {split, static_cast<ObjectId>(count)}});
    }
    return spec;
}

// Fill data for every FileData entry of the frames not embedded; some root frames without a
// physical address (as add-spec picks them) embedded.
binary::Contents random_contents(const Spec &spec, std::mt19937_64 &random) {
    binary::Contents contents;
    contents.embedded_page.resize(spec.objects.size());
    contents.fill_data.resize(spec.objects.size());
    std::uint32_t pages = 0;
    for (ObjectId id = 0; id < spec.objects.size(); ++id) {
        const auto *frame = std::get_if<object::Frame>(&spec.objects[id].object);
        if (frame == nullptr) continue;
        const bool root = id >= spec.root_objects.start && id < spec.root_objects.end;
        if (root && !frame->paddr && random() % 3 == 0) {
            contents.embedded_page[id] = pages++;
            continue;
        }
        for (const object::FillEntry &e : frame->init) {
            if (!std::holds_alternative<object::FileData>(e.content)) continue;
            binary::FillData data;
            data.deflated = random() % 2 == 0;
            data.bytes.resize(data.deflated ? 1 + random() % 64 : e.range.end - e.range.start);
            for (std::uint8_t &b : data.bytes) b = static_cast<std::uint8_t>(random());
            contents.fill_data[id].push_back(std::move(data));
        }
    }
    return contents;
}

KernelConfig random_kernel(std::mt19937_64 &random) {
    KernelConfig kernel;
    kernel.mcs = random() % 2 == 0;
    kernel.tcb_bits = 10 + static_cast<unsigned>(random() % 3);
    kernel.root_index_bits = random() % 2 == 0 ? 9 : 10;
    return kernel;
}

// --- The walk: everything the initializer reads, through the view's accessors only --------

struct Walker {
    const View &v;
    std::uint64_t sum = 0;

    void mix(std::uint64_t value) { sum = sum * 1'000'003 + value; }
    void name(const binary::Object &o) {
        for (char c : v.string(o.name)) mix(static_cast<unsigned char>(c));
    }
    void words(const binary::Object &o, std::uint64_t count) {
        for (std::uint64_t n = 0; n < count; ++n) mix(v.word(o, n));
    }
    // A page table's caps and the tables below it, as the initializer maps a VSpace.
    void tree(const binary::Object &table, unsigned level) {
        for (std::uint32_t n = 0; n < table.count; ++n) {
            const binary::Cap c = v.cap(table, n);
            mix(c.slot);
            const binary::Object target = v.object(c.object);
            if (c.kind == static_cast<std::uint8_t>(CapKind::PageTable) && level + 1 < 4) tree(target, level + 1);
        }
    }

    void object(std::uint32_t id) {
        const binary::Object o = v.object(id);
        mix(o.kind);
        mix(o.slot);
        name(o);
        switch (o.kind) {
        case kind_index<object::Untyped>:
            if (o.flags & binary::object_flag::has_paddr) words(o, 1);
            break;
        case kind_index<object::Frame>:
            if (o.flags & binary::object_flag::embedded) {
                words(o, 1 + ((o.flags & binary::object_flag::has_paddr) ? 1 : 0));
                break;
            }
            if (o.flags & binary::object_flag::has_paddr) words(o, 1);
            for (std::uint32_t n = 0; n < o.count; ++n) {
                const binary::Fill f = v.fill(o, n);
                mix(f.begin);
                mix(f.end);
                if (f.kind == binary::fill_kind::bytes || f.kind == binary::fill_kind::deflated) {
                    const std::byte *bytes = v.bytes(f.data, f.data_size);
                    if (f.data_size > 0)
                        mix(std::to_integer<unsigned>(bytes[0]) + std::to_integer<unsigned>(bytes[f.data_size - 1]));
                }
            }
            break;
        case kind_index<object::Tcb>: {
            words(o, binary::tcb_fixed_words);
            const Word gprs = v.word(o, 6);
            if (gprs <= 16) words(o, binary::tcb_fixed_words + gprs);
            binary::Cap c{};
            for (std::uint32_t slot = 0; slot <= object::tcb_slot::x86_ept_pml4; ++slot)
                if (v.find_cap(o, slot, c)) mix(v.object(c.object).kind + c.badge + c.guard_size);
            break;
        }
        case kind_index<object::CNode>:
            for (std::uint32_t n = 0; n < o.count; ++n) {
                const binary::Cap c = v.cap(o, n);
                mix(c.slot + c.badge + c.flags + v.object(c.object).slot);
            }
            break;
        case kind_index<object::PageTable>:
            if (o.flags & binary::object_flag::is_root) tree(o, 0);
            break;
        case kind_index<object::IOPorts>:
            words(o, 2);
            break;
        case kind_index<object::SchedContext>:
            words(o, 3);
            break;
        case kind_index<object::AsidPool>:
        case kind_index<object::IOPageTable>:
            words(o, 1);
            break;
        case kind_index<object::IOSpace>:
            words(o, 4);
            break;
        default:
            break;
        }
    }

    std::uint64_t run() {
        const binary::Header &h = v.header();
        mix(h.orig_slots);
        mix(h.copy_slots);
        mix(h.log_level);
        for (std::uint32_t id = 0; id < v.object_count(); ++id) object(id);
        for (std::uint32_t n = 0; n < v.count(Table::Irqs); ++n) {
            const binary::Irq irq = v.get<Table::Irqs>(n);
            const binary::Object o = v.object(irq.handler);
            if (!is_irq_kind(o.kind)) continue; // the initializer refuses it
            words(o, o.kind == kind_index<object::Irq>         ? 0
                     : o.kind == kind_index<object::ArmIrq>   ? 2
                     : o.kind == kind_index<object::RiscvIrq> ? 1
                                                              : 4);
            binary::Cap c{};
            if (v.find_cap(o, object::irq_notification_slot, c)) mix(v.object(c.object).kind + c.badge);
        }
        for (std::uint32_t n = 0; n < v.count(Table::AsidSlots); ++n) mix(v.object(v.get<Table::AsidSlots>(n)).kind);
        for (std::uint32_t n = 0; n < v.count(Table::Covers); ++n) {
            const binary::Cover c = v.get<Table::Covers>(n);
            mix(v.object(c.parent).kind + c.children_start + c.children_end);
        }
        for (std::uint32_t n = 0; n < v.count(Table::DomainSchedule); ++n) {
            const binary::DomainSchedEntry e = v.get<Table::DomainSchedule>(n);
            mix(e.duration + e.domain + e.kind);
        }
        for (std::uint32_t n = 0; n < v.count(Table::Order); ++n) mix(v.object(v.get<Table::Order>(n)).slot);
        return sum;
    }
};

std::uint64_t walk(const View &view) { return Walker{view}.run(); }

} // namespace

// --- Round trip ----------------------------------------------------------------------------

TEST(Binary, RoundTripsRandomSpecs) {
    std::mt19937_64 random(7);
    std::size_t objects_seen = 0, embedded_seen = 0, fills_seen = 0, map_orig_seen = 0, covers_seen = 0;
    for (unsigned seed = 0; seed < 300; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        const Spec spec = random_spec(seed, random);
        const binary::Contents contents = random_contents(spec, random);
        const KernelConfig kernel = random_kernel(random);
        const binary::Names names = seed % 5 == 3   ? binary::Names::none
                                    : seed % 5 == 4 ? binary::Names::tcbs
                                                    : binary::Names::all;
        const binary::WriteOptions options{names, static_cast<std::uint8_t>(seed % 6)};
        const std::vector<std::uint8_t> bytes = binary::write(spec, kernel, contents, options);
        const View view = open(bytes);
        const binary::Header &h = view.header();

        // The header.
        EXPECT_EQ(h.size, bytes.size());
        EXPECT_EQ(h.version, binary::version);
        EXPECT_EQ(h.log_level, seed % 6);
        EXPECT_EQ(h.root_objects_start, spec.root_objects.start);
        EXPECT_EQ(h.root_objects_end, spec.root_objects.end);
        const binary::SlotNeeds needs = binary::slot_needs(spec, kernel, contents);
        EXPECT_EQ(h.orig_slots, needs.orig_slots);
        EXPECT_EQ(h.copy_slots, needs.copy_slots);
        std::uint32_t pages = 0;
        for (const auto &page : contents.embedded_page)
            if (page) pages = std::max(pages, *page + 1);
        EXPECT_EQ(h.embedded_frames, pages);
        embedded_seen += pages;
        ASSERT_EQ(view.object_count(), spec.objects.size());

        // The creation order, and the slots it gives.
        const std::vector<ObjectId> order = binary::creation_order(spec, kernel, contents);
        ASSERT_EQ(view.count(Table::Order), order.size());
        for (std::uint32_t n = 0; n < order.size(); ++n) EXPECT_EQ(view.get<Table::Order>(n), order[n]);
        std::vector<std::uint32_t> slot(spec.objects.size(), binary::none);
        for (std::uint32_t n = 0; n < order.size(); ++n) slot[order[n]] = n;
        std::uint32_t next_slot = static_cast<std::uint32_t>(order.size());
        for (ObjectId id = 0; id < spec.objects.size(); ++id)
            if (has_control_cap(spec.objects[id].object.index())) slot[id] = next_slot++;
        EXPECT_EQ(h.orig_slots, next_slot);

        // Every object.
        std::vector<bool> mapped(spec.objects.size(), false);
        std::uint32_t copies = 0;
        std::size_t words = 0, caps = 0, fills = 0;
        for (ObjectId id = 0; id < spec.objects.size(); ++id) {
            SCOPED_TRACE("object " + std::to_string(id));
            const NamedObject &named = spec.objects[id];
            const binary::Object o = view.object(id);
            const std::size_t kind = named.object.index();
            ++objects_seen;
            EXPECT_EQ(o.kind, kind);
            const bool keep_name = names == binary::Names::all ||
                                   (names == binary::Names::tcbs && kind == kind_index<object::Tcb>);
            if (keep_name && named.name) {
                EXPECT_EQ(view.string(o.name), *named.name);
            } else {
                EXPECT_EQ(o.name, binary::none);
            }
            EXPECT_EQ(o.slot, slot[id]);
            if (const auto bits = expected_size_bits(named.object)) { EXPECT_EQ(o.size_bits, *bits); }

            std::uint8_t flags = 0;
            if (paddr_of(named.object)) flags |= binary::object_flag::has_paddr;
            if (embedded(contents, id)) flags |= binary::object_flag::embedded;
            if (const auto *table = std::get_if<object::PageTable>(&named.object)) {
                if (table->is_root) flags |= binary::object_flag::is_root;
                if (table->x86_ept) flags |= binary::object_flag::x86_ept;
                if (table->level) flags |= binary::object_flag::has_level;
                EXPECT_EQ(o.level, table->level.value_or(0));
            }
            EXPECT_EQ(o.flags, flags);

            const std::vector<Word> expected = expected_words(named.object, contents.embedded_page[id]);
            for (std::size_t n = 0; n < expected.size(); ++n) EXPECT_EQ(view.word(o, n), expected[n]) << "word " << n;
            words += expected.size();

            if (const CapTable *table = slots_of(named.object)) {
                ASSERT_EQ(o.count, table->size());
                const bool page_table = kind == kind_index<object::PageTable>;
                for (std::uint32_t n = 0; n < table->size(); ++n) {
                    const CapTableEntry &e = (*table)[n];
                    const binary::Cap c = view.cap(o, n);
                    EXPECT_EQ(c.slot, e.slot);
                    EXPECT_EQ(c.object, e.cap.object);
                    EXPECT_EQ(c.kind, static_cast<std::uint8_t>(e.cap.kind));
                    EXPECT_EQ(c.flags, expected_cap_flags(e.cap));
                    EXPECT_EQ(c.guard_size, e.cap.guard_size);
                    EXPECT_EQ(c.badge, e.cap.kind == CapKind::CNode ? e.cap.guard : e.cap.badge);
                    bool orig = false;
                    if (page_table && e.cap.kind == CapKind::Frame) {
                        if (!mapped[e.cap.object] && !embedded(contents, e.cap.object)) {
                            mapped[e.cap.object] = true;
                            orig = true;
                        } else {
                            ++copies;
                        }
                    }
                    EXPECT_EQ(c.map_orig, orig ? 1 : 0);
                    map_orig_seen += orig ? 1 : 0;
                    binary::Cap found{};
                    EXPECT_TRUE(view.find_cap(o, e.slot, found));
                }
                caps += table->size();
            }

            if (const auto *frame = std::get_if<object::Frame>(&named.object); frame && !embedded(contents, id)) {
                ASSERT_EQ(o.count, frame->init.size());
                std::size_t next_data = 0;
                for (std::uint32_t n = 0; n < frame->init.size(); ++n) {
                    const object::FillEntry &e = frame->init[n];
                    const binary::Fill f = view.fill(o, n);
                    EXPECT_EQ(f.begin, e.range.start);
                    EXPECT_EQ(f.end, e.range.end);
                    if (const auto *boot = std::get_if<object::BootInfoData>(&e.content)) {
                        EXPECT_EQ(f.kind, binary::fill_kind::boot_info);
                        EXPECT_EQ(f.boot_info_id, static_cast<std::uint8_t>(boot->id));
                        EXPECT_EQ(f.data, boot->offset);
                    } else {
                        const binary::FillData &d = contents.fill_data[id][next_data++];
                        EXPECT_EQ(f.kind, d.deflated ? binary::fill_kind::deflated : binary::fill_kind::bytes);
                        ASSERT_EQ(f.data_size, d.bytes.size());
                        const std::byte *data = view.bytes(f.data, f.data_size);
                        EXPECT_EQ(std::memcmp(data, d.bytes.data(), d.bytes.size()), 0);
                    }
                }
                fills += frame->init.size();
                fills_seen += frame->init.size();
            } else if (o.kind == kind_index<object::Frame>) {
                EXPECT_EQ(o.count, 0u);
            }
        }
        EXPECT_EQ(h.copy_slots, copies);
        EXPECT_EQ(view.count(Table::Words), words);
        EXPECT_EQ(view.count(Table::Caps), caps);
        EXPECT_EQ(view.count(Table::Fills), fills);

        // The system's tables.
        ASSERT_EQ(view.count(Table::Irqs), spec.irqs.size());
        for (std::uint32_t n = 0; n < spec.irqs.size(); ++n) {
            EXPECT_EQ(view.get<Table::Irqs>(n).irq, spec.irqs[n].irq);
            EXPECT_EQ(view.get<Table::Irqs>(n).handler, spec.irqs[n].handler);
        }
        ASSERT_EQ(view.count(Table::AsidSlots), spec.asid_slots.size());
        for (std::uint32_t n = 0; n < spec.asid_slots.size(); ++n) EXPECT_EQ(view.get<Table::AsidSlots>(n), spec.asid_slots[n]);
        ASSERT_EQ(view.count(Table::Covers), spec.untyped_covers.size());
        for (std::uint32_t n = 0; n < spec.untyped_covers.size(); ++n) {
            const binary::Cover c = view.get<Table::Covers>(n);
            EXPECT_EQ(c.parent, spec.untyped_covers[n].parent);
            EXPECT_EQ(c.children_start, spec.untyped_covers[n].children.start);
            EXPECT_EQ(c.children_end, spec.untyped_covers[n].children.end);
        }
        covers_seen += spec.untyped_covers.size();
        EXPECT_EQ((h.flags & binary::header_flag::has_domain_schedule) != 0, spec.domain_schedule.has_value());
        const std::size_t entries = spec.domain_schedule ? spec.domain_schedule->size() : 0;
        ASSERT_EQ(view.count(Table::DomainSchedule), entries);
        for (std::uint32_t n = 0; n < entries; ++n) {
            const binary::DomainSchedEntry e = view.get<Table::DomainSchedule>(n);
            EXPECT_EQ(e.duration, (*spec.domain_schedule)[n].duration);
            EXPECT_EQ(e.domain, (*spec.domain_schedule)[n].domain);
            EXPECT_EQ(e.kind, static_cast<std::uint8_t>((*spec.domain_schedule)[n].kind));
        }
        EXPECT_EQ((h.flags & binary::header_flag::has_domain_set_start) != 0, spec.domain_set_start.has_value());
        EXPECT_EQ((h.flags & binary::header_flag::has_domain_idx_shift) != 0, spec.domain_idx_shift.has_value());
        EXPECT_EQ(h.domain_set_start, spec.domain_set_start.value_or(0));
        EXPECT_EQ(h.domain_idx_shift, spec.domain_idx_shift.value_or(0));

        // The whole spec walks as the initializer reads it.
        EXPECT_NO_THROW(walk(view));
    }
    // Every part of the format occurred.
    EXPECT_GT(objects_seen, 5000u);
    EXPECT_GT(embedded_seen, 20u);
    EXPECT_GT(fills_seen, 200u);
    EXPECT_GT(map_orig_seen, 20u);
    EXPECT_GT(covers_seen, 100u);
}

// The creation order's rules, from the spec alone: each retyped root object once, those
// with a physical address first by address, then the others by size, largest first (one kind
// and size adjacent); then the covers' children that are retyped, cover by cover.
TEST(Binary, CreationOrder) {
    std::mt19937_64 random(11);
    std::size_t with_paddr = 0, children = 0;
    for (unsigned seed = 0; seed < 300; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        const Spec spec = random_spec(seed, random);
        const binary::Contents contents = random_contents(spec, random);
        const KernelConfig kernel = random_kernel(random);
        const ObjectSizes sizes = kernel.object_sizes();
        const std::vector<ObjectId> order = binary::creation_order(spec, kernel, contents);

        std::vector<ObjectId> roots;
        for (ObjectId id = spec.root_objects.start; id < spec.root_objects.end; ++id)
            if (retyped(spec.objects[id].object.index(), embedded(contents, id))) roots.push_back(id);
        std::vector<ObjectId> covered;
        for (const UntypedCover &cover : spec.untyped_covers)
            for (ObjectId id = cover.children.start; id < cover.children.end; ++id)
                if (retyped(spec.objects[id].object.index(), embedded(contents, id))) covered.push_back(id);
        ASSERT_EQ(order.size(), roots.size() + covered.size());

        // The roots, each once.
        const std::vector<ObjectId> head(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(roots.size()));
        EXPECT_EQ(std::multiset<ObjectId>(head.begin(), head.end()), std::multiset<ObjectId>(roots.begin(), roots.end()));
        // Those with a paddr first, by address; then by size, largest first, then by kind.
        std::size_t n = 0;
        for (; n < head.size() && paddr_of(spec.objects[head[n]].object); ++n) {
            ++with_paddr;
            if (n > 0) { EXPECT_LE(*paddr_of(spec.objects[head[n - 1]].object), *paddr_of(spec.objects[head[n]].object)); }
        }
        const std::size_t paddr_end = n;
        for (; n < head.size(); ++n) {
            const Object &object = spec.objects[head[n]].object;
            EXPECT_FALSE(paddr_of(object).has_value()) << "object " << head[n] << " after the objects without paddr";
            if (n == paddr_end) continue;
            const Object &before = spec.objects[head[n - 1]].object;
            const unsigned a = size_bits_of(before, sizes).value_or(0), b = size_bits_of(object, sizes).value_or(0);
            EXPECT_GE(a, b) << "objects " << head[n - 1] << " and " << head[n];
            if (a == b) { EXPECT_LE(before.index(), object.index()) << "objects " << head[n - 1] << " and " << head[n]; }
        }
        // Then the covers' children, in order.
        EXPECT_EQ(std::vector<ObjectId>(order.begin() + static_cast<std::ptrdiff_t>(roots.size()), order.end()), covered);
        children += covered.size();

        // The header counts the same.
        const binary::SlotNeeds needs = binary::slot_needs(spec, kernel, contents);
        std::uint32_t control = 0;
        for (const NamedObject &o : spec.objects) control += has_control_cap(o.object.index()) ? 1 : 0;
        EXPECT_EQ(needs.orig_slots, order.size() + control);
    }
    EXPECT_GT(with_paddr, 100u);
    EXPECT_GT(children, 500u);
}

// A spec whose untyped cover holds objects the initializer does not retype (an IRQ object,
// I/O ports, the SMC and domain-set objects): they stay out of the creation order, so that
// every entry's object has the entry's slot.
TEST(Binary, CoverChildrenThatAreNotRetyped) {
    Spec spec;
    spec.objects = {{"untyped", object::Untyped{16, std::nullopt}}, {"irq", object::Irq{}},
                    {"ep", object::Endpoint{}},                      {"ports", object::IOPorts{0x60, 0x64}},
                    {"smc", object::ArmSmc{}},                       {"domains", object::DomainSet{}},
                    {"ntfn", object::Notification{}}};
    spec.root_objects = {0, 1};
    spec.untyped_covers = {{0, {1, 7}}};
    const KernelConfig kernel;
    const binary::Contents contents;
    EXPECT_EQ(binary::creation_order(spec, kernel, contents), (std::vector<ObjectId>{0, 2, 6}));
    const std::vector<std::uint8_t> bytes = binary::write(spec, kernel, contents, {});
    const View view = open(bytes);
    for (std::uint32_t n = 0; n < view.count(Table::Order); ++n) EXPECT_EQ(view.object(view.get<Table::Order>(n)).slot, n);
    EXPECT_EQ(view.header().orig_slots, 5u); // 3 retyped, the IRQ handler and the I/O ports
    EXPECT_EQ(view.object(4).slot, binary::none);
    EXPECT_EQ(view.object(5).slot, binary::none);
}

// The domain schedule: its entries as they are, and the kernel's tick for durations in us.
TEST(Binary, DomainScheduleAndTheKernelsTick) {
    Spec spec;
    spec.domain_schedule = std::vector<DomainSchedEntry>{{1, DomainSchedEntry::Kind::Us, 5000},
                                                         {2, DomainSchedEntry::Kind::Ticks, 3},
                                                         {0, DomainSchedEntry::Kind::EndMarker, 0}};
    spec.domain_set_start = 1;
    KernelConfig kernel;
    kernel.timer_tick_ms = 5;
    const std::vector<std::uint8_t> bytes = binary::write(spec, kernel, {}, {});
    const View view = open(bytes);
    EXPECT_EQ(view.header().tick_us, 5000u);
    EXPECT_EQ(view.header().flags, binary::header_flag::has_domain_schedule | binary::header_flag::has_domain_set_start);
    ASSERT_EQ(view.count(Table::DomainSchedule), 3u);
    const binary::DomainSchedEntry first = view.get<Table::DomainSchedule>(0);
    EXPECT_EQ(std::tuple(first.domain, first.kind, first.duration),
              std::tuple(std::uint8_t{1}, static_cast<std::uint8_t>(DomainSchedEntry::Kind::Us), std::uint64_t{5000}));
    EXPECT_EQ(view.header().domain_set_start, 1u);
}

// --- The reader's checks -------------------------------------------------------------------

namespace {

// The reader's message for a spec, as it opens and walks it ("" for none).
std::string failure_of(const std::vector<std::uint8_t> &bytes) {
    try {
        walk(open(bytes));
    } catch (const CorruptSpec &error) {
        return error.what();
    }
    return "";
}

std::vector<std::uint8_t> small_spec() {
    Spec spec;
    spec.objects = {{"ep", object::Endpoint{}},
                    {"cnode", object::CNode{4, {{1, Cap{CapKind::Endpoint, 0, 5, Rights::all()}}}}},
                    {"frame", object::Frame{12, std::nullopt, {{{0, 16}, object::FileData{"f", 0}}}}}};
    spec.root_objects = {0, 3};
    binary::Contents contents;
    contents.fill_data.resize(3);
    contents.fill_data[2].push_back({std::vector<std::uint8_t>(16, 0xab), false});
    return binary::write(spec, KernelConfig{}, contents, {});
}

template <class T> void put(std::vector<std::uint8_t> &bytes, std::size_t offset, T value) {
    std::memcpy(bytes.data() + offset, &value, sizeof value);
}
std::size_t table_field(Table table) {
    return offsetof(binary::Header, tables) + static_cast<std::size_t>(table) * sizeof(binary::TableExtent);
}
// A table's offset as the header says, unchecked (where to mutate).
std::size_t open_offset(const std::vector<std::uint8_t> &bytes, Table table) {
    std::uint32_t offset;
    std::memcpy(&offset, bytes.data() + table_field(table), sizeof offset);
    return offset;
}

} // namespace

TEST(Binary, RefusesBrokenHeadersAndIndices) {
    const std::vector<std::uint8_t> good = small_spec();
    EXPECT_EQ(failure_of(good), "");
    EXPECT_EQ(failure_of({good.begin(), good.begin() + 40}), "the spec is shorter than its header: bytes 40 (152)");
    auto changed = [&](auto change) {
        std::vector<std::uint8_t> bytes = good;
        change(bytes);
        return failure_of(bytes);
    };
    EXPECT_EQ(changed([](auto &b) { b[3] = 'x'; }), "the spec's magic number is wrong at byte 0 (0)");
    EXPECT_EQ(changed([](auto &b) { put<std::uint32_t>(b, 8, 2); }), "the spec is of another format version: 2 (1)");
    EXPECT_EQ(changed([&](auto &b) { put<std::uint32_t>(b, 12, static_cast<std::uint32_t>(good.size() + 1)); }),
              "the spec's size is larger than its segment: " + std::to_string(good.size() + 1) + " (" +
                  std::to_string(good.size()) + ")");
    EXPECT_EQ(changed([](auto &b) { put<std::uint32_t>(b, table_field(Table::Caps), 8); }),
              "caps 8 (" + std::to_string(good.size()) + ")");
    const std::string size = std::to_string(good.size());
    const binary::Header header = open(good).header();
    const auto offset_of = [&](Table t) { return std::to_string(header.tables[static_cast<std::size_t>(t)].offset); };
    EXPECT_EQ(changed([](auto &b) { put<std::uint32_t>(b, table_field(Table::Strings) + 4, 0xffff'ffff); }),
              "strings " + offset_of(Table::Strings) + " (" + size + ")");
    EXPECT_EQ(changed([](auto &b) { put<std::uint32_t>(b, table_field(Table::Order), 0xffff'fff0); }),
              "creation order 4294967280 (" + size + ")");

    // Indices into the tables, as the accessors follow them.
    const auto object_field = [&](std::uint32_t id, std::size_t field) {
        return header.tables[static_cast<std::size_t>(Table::Objects)].offset + id * sizeof(binary::Object) + field;
    };
    EXPECT_EQ(changed([&](auto &b) { put<std::uint32_t>(b, object_field(1, offsetof(binary::Object, first)), 7); }),
              "caps 7 (1)");
    EXPECT_EQ(changed([&](auto &b) { put<std::uint32_t>(b, object_field(1, offsetof(binary::Object, name)), 1000); }),
              "name 1000 (" + std::to_string(header.tables[static_cast<std::size_t>(Table::Strings)].count) + ")");
    EXPECT_EQ(changed([&](auto &b) { put<std::uint32_t>(b, object_field(2, offsetof(binary::Object, count)), 2); }),
              "fills 1 (1)");
    const std::size_t cap = header.tables[static_cast<std::size_t>(Table::Caps)].offset;
    EXPECT_EQ(changed([&](auto &b) { put<std::uint32_t>(b, cap + offsetof(binary::Cap, object), 3); }), "objects 3 (3)");
    const std::size_t fill = header.tables[static_cast<std::size_t>(Table::Fills)].offset;
    EXPECT_EQ(changed([&](auto &b) { put<std::uint32_t>(b, fill + offsetof(binary::Fill, data_size), 17); }), "bytes 17 (16)");
    EXPECT_EQ(changed([&](auto &b) { put<std::uint32_t>(b, fill + offsetof(binary::Fill, data), 0xffff'fff8); }),
              "bytes 4294967304 (16)");
    // A name without its NUL: the strings table cut before it.
    const std::size_t strings_count = table_field(Table::Strings) + 4;
    EXPECT_EQ(changed([&](auto &b) { put<std::uint32_t>(b, strings_count, 3); }), "the name without an end at 1 (3)");
    EXPECT_EQ(changed([&](auto &b) {
                  put<std::uint32_t>(b, object_field(0, offsetof(binary::Object, kind)), kind_index<object::Tcb>);
              }),
              "words 0 (0)");
}

// Mutated serialized specs: each is refused through the failure function (CorruptSpec) or
// opens and walks whole; never a fault (the sanitizers' builds check the memory accesses).
TEST(Binary, MutatedSpecsNeverCrashTheReader) {
    std::mt19937_64 random(3);
    std::vector<std::vector<std::uint8_t>> bases;
    for (unsigned seed = 0; seed < 64; ++seed) {
        const Spec spec = random_spec(seed, random);
        const binary::Contents contents = random_contents(spec, random);
        bases.push_back(binary::write(spec, random_kernel(random), contents, {}));
    }
    bases.push_back(small_spec());
    const std::uint32_t extremes[] = {0, 1, 2, 7, 8, 0x7f, 0xff, 0xffff, 0x7fff'ffff, 0x8000'0000, 0xffff'fffe, 0xffff'ffff};
    const auto extreme = [&](std::size_t size) -> std::uint32_t {
        switch (random() % 4) {
        case 0: return static_cast<std::uint32_t>(size + random() % 3 - 1);
        case 1: return static_cast<std::uint32_t>(random());
        default: return extremes[random() % std::size(extremes)];
        }
    };

    const auto start = std::chrono::steady_clock::now();
    constexpr int iterations = 100000;
    std::size_t refused = 0, walked = 0;
    for (int i = 0; i < iterations; ++i) {
        std::vector<std::uint8_t> bytes = bases[random() % bases.size()];
        for (int mutations = 1 + static_cast<int>(random() % 3); mutations > 0; --mutations) {
            const std::size_t size = bytes.size();
            switch (random() % 9) {
            case 0: // flipped bits
                for (int n = 1 + static_cast<int>(random() % 8); n > 0 && size > 0; --n)
                    bytes[random() % size] ^= static_cast<std::uint8_t>(1u << (random() % 8));
                break;
            case 1: // overwritten bytes
                for (int n = 1 + static_cast<int>(random() % 16); n > 0 && size > 0; --n)
                    bytes[random() % size] = static_cast<std::uint8_t>(random());
                break;
            case 2: // truncated
                bytes.resize(size == 0 ? 0 : random() % size);
                break;
            case 3: { // extended, the header's size too or not
                bytes.resize(size + 1 + random() % 64, static_cast<std::uint8_t>(random()));
                if (bytes.size() >= sizeof(binary::Header) && random() % 2 == 0)
                    put<std::uint32_t>(bytes, offsetof(binary::Header, size), static_cast<std::uint32_t>(bytes.size()));
                break;
            }
            case 4: // a table's offset or count
                if (size >= sizeof(binary::Header))
                    put<std::uint32_t>(bytes,
                                       table_field(static_cast<Table>(random() % binary::table_count)) + 4 * (random() % 2),
                                       extreme(size));
                break;
            case 5: // a header field
                if (size >= sizeof(binary::Header)) put<std::uint32_t>(bytes, 8 + 4 * (random() % 10), extreme(size));
                break;
            case 6: { // a 32-bit field of a record: an index, offset or count
                if (size < sizeof(binary::Header)) break;
                binary::TableExtent e;
                std::memcpy(&e, bytes.data() + table_field(static_cast<Table>(random() % binary::table_count)), sizeof e);
                const std::size_t at = e.offset + 4 * (random() % (std::max<std::uint64_t>(e.count, 1) * 2));
                if (at + 4 <= size) put<std::uint32_t>(bytes, at, extreme(size));
                break;
            }
            case 7: { // a random word at a random offset
                if (size < 8) break;
                const std::uint64_t value = random() % 2 ? random() : std::uint64_t{extreme(size)} << (32 * (random() % 2));
                put<std::uint64_t>(bytes, random() % (size - 7), value);
                break;
            }
            default: { // an object's kind, which decides how it is read
                if (size < sizeof(binary::Header)) break;
                const std::size_t objects = open_offset(bytes, Table::Objects);
                const std::size_t at = objects + sizeof(binary::Object) * (random() % 16);
                if (at < size) bytes[at] = static_cast<std::uint8_t>(random() % 24);
                break;
            }
            }
        }
        // In a buffer of exactly its size, so that a read past it is a fault the sanitizers see.
        const std::vector<std::uint8_t> exact(bytes.begin(), bytes.end());
        try {
            const View view = open(exact);
            walk(view);
            ++walked;
        } catch (const CorruptSpec &) {
            ++refused;
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%d mutated specs in %.2f s: %zu refused, %zu walked whole\n", iterations, seconds, refused, walked);
    EXPECT_EQ(refused + walked, static_cast<std::size_t>(iterations));
    EXPECT_GT(refused, 10000u);
    EXPECT_GT(walked, 1000u);
}
