#include "initializer.hpp"

#include <arch.hpp>

#include <sel4/alloc/arch/paging.hpp>
#include <sel4/runtime/arch/counter.hpp>
#include <sel4/capdl/spec.hpp>
#include <sel4/format.hpp>
#include <sel4/zlib/inflate.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>

namespace capdl_initializer {

namespace {

namespace binary = sel4::capdl::binary;
namespace spec = sel4::capdl;
using binary::Table;

constexpr std::string_view error_names[] = {"NoError",       "InvalidArgument", "InvalidCapability",
                                            "IllegalOperation", "RangeError",   "AlignmentError",
                                            "FailedLookup",  "TruncatedMessage", "DeleteFirst",
                                            "RevokeFirst",   "NotEnoughMemory"};
std::string_view error_name(sel4::Error error) {
    const auto n = static_cast<std::size_t>(error);
    return n < std::size(error_names) ? error_names[n] : "an unknown error";
}

// A message in a fixed buffer (no heap), for fail().
class Message {
public:
    template <class... Args> Message(std::string_view format, const Args &...args) {
        auto out = [this](char c) {
            if (length_ + 1 < sizeof text_) text_[length_++] = c;
        };
        sel4::fmt::format_to(out, format, args...);
    }
    std::string_view text() const { return {text_, length_}; }

private:
    char text_[512];
    std::size_t length_ = 0;
};

template <class... Args> [[noreturn]] void fail_with(std::string_view format, const Args &...args) {
    fail(Message(format, args...).text());
}

// Prints a line when the spec's log level is at least `at` (3: info, 4: debug).
template <class... Args> void log(unsigned level, unsigned at, std::string_view format, const Args &...args) {
    if (level >= at) sel4::debug::println(format, args...);
}

// The most untypeds a BootInfo lists (seL4's default MAX_NUM_BOOTINFO_UNTYPED_CAPS is 230).
constexpr std::size_t max_untypeds = 256;
// Where the initializer maps frames to fill them: a gigabyte of its own address space, far
// above its image: 4 KiB frames at the start, 2 MiB frames 2 MiB into it, 1 GiB frames at
// the next gigabyte.
constexpr Word scratch = Word{1} << 32;
constexpr Word page_bits = 12;

// The address bits that an entry of a paging structure at `level` covers.
constexpr unsigned entry_bits(unsigned level) { return 12 + 9 * (arch::levels - 1 - level); }

class Initializer {
public:
    Initializer(const sel4::BootInfo &boot_info, const Attached &attached)
        : bi_(boot_info), at_(attached), spec_(attached.spec, attached.spec_size, CorruptSpec{}),
          log_level_(spec_.header().log_level) {}

    Statistics run() {
        stats_.log_level = log_level_;
        reserve_slots();
        log(log_level_, 4, "capdl-initializer: {} objects, {} caps; slots from {}", spec_.object_count(),
            spec_.count(Table::Caps), orig_base_);
        const struct {
            void (Initializer::*step)();
            const char *what;
        } steps[] = {{&Initializer::create_objects, "creating the objects"},
                     {&Initializer::create_covered_objects, "creating the untyped covers' objects"},
                     {&Initializer::create_control_caps, "getting the IRQ handlers and I/O ports"},
                     {&Initializer::init_irqs, "binding the IRQs' notifications"},
                     {&Initializer::init_asids, "assigning ASIDs"},
                     {&Initializer::init_frames, "filling the frames"},
                     {&Initializer::init_vspaces, "mapping the VSpaces"},
                     {&Initializer::init_sched_contexts, "configuring the scheduling contexts"},
                     {&Initializer::init_tcbs, "configuring the threads"},
                     {&Initializer::init_cspaces, "filling the CNodes"},
                     {&Initializer::init_domain_schedule, "setting the domain schedule"},
                     {&Initializer::start_threads, "starting the threads"}};
        for (const auto &[step, what] : steps) {
            log(log_level_, 4, "capdl-initializer: {} ({} system calls so far)", what, stats_.system_calls);
            (this->*step)();
        }
        return stats_;
    }

private:
    // --- Names and failures --------------------------------------------------------------

    // An object's kind, as messages name it ("?" for a kind the spec should not have).
    static std::string_view kind_name(const binary::Object &o) {
        return o.kind < spec::object_kind_names.size() ? spec::object_kind_names[o.kind] : "?";
    }

    template <class T>
    T check(sel4::Result<T> result, std::string_view doing, std::uint32_t id, std::string_view invocation) {
        ++stats_.system_calls;
        if (!result) {
            const binary::Object o = spec_.object(id);
            fail_with("{} {} '{}' (index {}): {} failed: {}", doing, kind_name(o), spec_.string(o.name), id, invocation,
                      error_name(result.error()));
        }
        if constexpr (!std::is_void_v<T>) return *result;
    }

    [[noreturn]] void fail_object(std::uint32_t id, std::string_view what) const {
        const binary::Object o = spec_.object(id);
        fail_with("{} '{}' (index {}): {}", kind_name(o), spec_.string(o.name), id, what);
    }

    // --- Slots ---------------------------------------------------------------------------

    // The spec's objects take the first empty slots, then the copies of frame caps for
    // mappings, then a temporary slot; the rest holds the untypeds that pad an untyped up to
    // an object's physical address (they must live: an untyped without children starts over).
    void reserve_slots() {
        const sel4::SlotRegion empty = bi_.empty();
        const binary::Header &h = spec_.header();
        const Word needed = Word{h.orig_slots} + h.copy_slots + 1;
        if (empty.size() < needed) {
            fail_with("the spec needs {} slots ({} objects, {} frame copies, 1 temporary), but the root CNode has {} "
                      "empty: raise KernelRootCNodeSizeBits",
                      needed, h.orig_slots, h.copy_slots, empty.size());
        }
        orig_base_ = empty.start;
        copy_next_ = orig_base_ + h.orig_slots;
        copy_end_ = copy_next_ + h.copy_slots;
        temp_ = copy_end_;
        hold_next_ = temp_ + 1;
        hold_end_ = empty.end;
    }
    Word hold_slot() {
        if (hold_next_ == hold_end_) fail_with("the root CNode has no empty slot left for padding untypeds");
        return hold_next_++;
    }
    static sel4::AbsoluteCPtr slot(Word cptr) { return sel4::init::cnode.absolute(sel4::RelativeCPtr(cptr)); }

    // The cap the initializer holds for an object.
    Word cptr_of(std::uint32_t id) const {
        const binary::Object o = spec_.object(id);
        if (o.flags & binary::object_flag::embedded) {
            const Word page = spec_.word(o, 0);
            const Word first = (at_.frames_vaddr - at_.image_start) >> page_bits;
            const sel4::SlotRegion frames = bi_.user_image_frames();
            if (page >= at_.frames_count || first + page >= frames.size())
                fail_object(id, Message("its embedded page {} is outside the initializer's image", page).text());
            return frames.start + first + page;
        }
        if (o.kind == spec::kind_index<spec::object::ArmSmc>) return sel4::gen::CapSMC;
        if (o.kind == spec::kind_index<spec::object::DomainSet>) return sel4::gen::CapDomain;
        if (o.slot == binary::none || o.slot >= spec_.header().orig_slots)
            fail_object(id, "the initializer makes no cap for it (it is neither a root object nor an untyped cover's child)");
        return orig_base_ + o.slot;
    }

    // --- Objects -------------------------------------------------------------------------

    struct Untyped {
        Word cptr, paddr;
        std::uint8_t size_bits;
        bool device;
        Word used; // the kernel's watermark: bytes from paddr
        Word room(Word bits) const { return size_bits < bits ? 0 : ((Word{1} << size_bits) - align(used, bits)) >> bits; }
        static Word align(Word v, Word bits) { return (v + (Word{1} << bits) - 1) & ~((Word{1} << bits) - 1); }
    };

    // What Untyped_Retype makes of an object.
    sel4::ObjectBlueprint blueprint(std::uint32_t id, const binary::Object &o) const {
        using namespace spec;
        switch (o.kind) {
        case kind_index<object::Untyped>:
            return sel4::ObjectBlueprint::untyped(o.size_bits);
        case kind_index<object::Endpoint>:
            return sel4::ObjectBlueprint::endpoint();
        case kind_index<object::Notification>:
            return sel4::ObjectBlueprint::notification();
        case kind_index<object::CNode>:
            return sel4::ObjectBlueprint::cnode(o.size_bits);
        case kind_index<object::Tcb>:
            return sel4::ObjectBlueprint::tcb();
        case kind_index<object::AsidPool>:
            return sel4::ObjectBlueprint::untyped(sel4::gen::ASIDPoolBits);
        case kind_index<object::Frame>:
            for (sel4::arch::Object frame : arch::frames)
                if (sel4::arch::find(sel4::arch::objects, frame).size_bits == o.size_bits)
                    return sel4::ObjectBlueprint::arch(frame);
            fail_object(id, Message("the arch has no frames of 2^{} bytes", o.size_bits).text());
        case kind_index<object::PageTable>: {
            const unsigned level = (o.flags & binary::object_flag::is_root) ? 0
                                   : (o.flags & binary::object_flag::has_level) ? o.level
                                                                                : arch::levels - 1;
            if (level >= arch::levels || ((o.flags & binary::object_flag::is_root) && (o.flags & binary::object_flag::has_level) && o.level != 0))
                fail_object(id, Message("level {} is not one of the {} levels of a VSpace", o.level, arch::levels).text());
            if (o.flags & binary::object_flag::x86_ept) fail_object(id, "EPT paging structures are not supported");
            return arch::page_table(level);
        }
        case kind_index<object::VCpu>:
            if (auto vcpu = arch::vcpu()) return *vcpu;
            fail_object(id, "this kernel has no VCPUs");
#if CPP_SEL4_CONFIG_KERNEL_MCS
        case kind_index<object::SchedContext>:
            return sel4::ObjectBlueprint::sched_context(o.size_bits);
        case kind_index<object::Reply>:
            return sel4::ObjectBlueprint::reply();
#else
        case kind_index<object::SchedContext>:
        case kind_index<object::Reply>:
            fail_object(id, "scheduling contexts and reply objects need an MCS kernel");
#endif
        default:
            fail_object(id, "the initializer cannot make objects of this kind (IOMMU objects are not supported)");
        }
    }

    void retype(Word untyped, std::uint32_t id, const sel4::ObjectBlueprint &bp, Word dest, Word count) {
        log(log_level_, 5, "capdl-initializer: {} object(s) of type {} (size {}) from untyped slot {} into slots {}..",
            count, static_cast<Word>(bp.type), bp.size_bits, untyped, dest);
        check(sel4::cap::Untyped(untyped).retype(bp, sel4::init::cnode.absolute_self(), dest, count), "creating", id,
              "Untyped_Retype");
    }

    // The root objects, in the spec's creation order: those with a physical address at it,
    // the others packed, runs of one kind and size in one Untyped_Retype each.
    void create_objects() {
        const auto list = bi_.untyped_list();
        if (list.size() > max_untypeds) fail_with("the BootInfo lists {} untypeds, more than {}", list.size(), max_untypeds);
        for (std::size_t n = 0; n < list.size(); ++n)
            untypeds_[n] = {bi_.untyped().start + n, list[n].paddr, list[n].size_bits, list[n].is_device != 0, 0};
        untyped_count_ = list.size();

        const std::uint32_t count = spec_.count(Table::Order);
        const binary::Header &h = spec_.header();
        std::uint32_t i = 0;
        while (i < count) {
            const std::uint32_t id = spec_.get<Table::Order>(i);
            const binary::Object o = spec_.object(id);
            if (o.slot != i) fail_with("the spec is corrupt: creation order entry {} is object {}, whose slot is {}", i, id, o.slot);
            if (id < h.root_objects_start || id >= h.root_objects_end) break; // the covers' children follow
            const sel4::ObjectBlueprint bp = blueprint(id, o);
            const Word bits = bp.physical_size_bits();
            ++stats_.objects;
            if (o.flags & binary::object_flag::has_paddr) {
                create_at(id, bp, bits, spec_.word(o, 0), orig_base_ + i);
                ++i;
            } else if (o.kind == spec::kind_index<spec::object::AsidPool>) {
                const Word untyped = hold_slot();
                Untyped &u = take(id, bits, 1);
                retype(u.cptr, id, bp, untyped, 1);
                u.used = Untyped::align(u.used, bits) + (Word{1} << bits);
                make_asid_pool(id, untyped, orig_base_ + i);
                ++i;
            } else {
                // A run: the objects of this kind and size that follow.
                std::uint32_t end = i + 1;
                while (end < count && end - i < sel4::gen::UntypedRetypeMaxObjects) {
                    const std::uint32_t next = spec_.get<Table::Order>(end);
                    const binary::Object n = spec_.object(next);
                    if (n.kind != o.kind || (n.flags & binary::object_flag::has_paddr) || next < h.root_objects_start ||
                        next >= h.root_objects_end || n.slot != end || !(blueprint(next, n) == bp))
                        break;
                    ++end;
                }
                stats_.objects += end - i - 1;
                while (i < end) {
                    Untyped &u = take(id, bits, end - i);
                    const Word made = std::min<Word>(end - i, u.room(bits));
                    retype(u.cptr, spec_.get<Table::Order>(i), bp, orig_base_ + i, made);
                    u.used = Untyped::align(u.used, bits) + (made << bits);
                    i += static_cast<std::uint32_t>(made);
                }
            }
        }
        covered_start_ = i;
    }

    // An ASID pool from an untyped of its size (which stays, in a slot of its own).
    void make_asid_pool(std::uint32_t id, Word untyped, Word dest) {
        check(sel4::init::asid_control.make_pool(sel4::cap::Untyped(untyped), slot(dest)), "creating", id,
              "ASIDControl_MakePool");
    }

    // An untyped of ordinary memory with room for an object of 2^bits bytes (the first: the
    // objects come largest first, so the untypeds fill without gaps).
    Untyped &take(std::uint32_t id, Word bits, Word wanted) {
        for (std::size_t n = 0; n < untyped_count_; ++n)
            if (!untypeds_[n].device && untypeds_[n].room(bits) > 0) return untypeds_[n];
        const binary::Object o = spec_.object(id);
        fail_with("creating {} '{}' (index {}): Untyped_Retype failed: NotEnoughMemory: no untyped has 2^{} bytes left ({} "
                  "such objects still to make)",
                  kind_name(o), spec_.string(o.name), id, bits, wanted);
    }

    // An object at a physical address: the untyped that holds it is padded up to it with
    // untypeds, then retyped.
    void create_at(std::uint32_t id, const sel4::ObjectBlueprint &bp, Word bits, Word paddr, Word dest) {
        for (std::size_t n = 0; n < untyped_count_; ++n) {
            Untyped &u = untypeds_[n];
            const Word size = Word{1} << u.size_bits;
            if (paddr < u.paddr || paddr - u.paddr >= size || (Word{1} << bits) > size - (paddr - u.paddr)) continue;
            const Word offset = paddr - u.paddr;
            if (offset % (Word{1} << bits) != 0) fail_object(id, "its physical address is not aligned to its size");
            if (u.used > offset) fail_object(id, "its physical address is below another object's in the same untyped");
            while (u.used < offset) { // the largest aligned untyped that fits the gap
                Word pad = std::min<Word>(std::countr_zero(u.paddr + u.used), u.size_bits);
                while (u.used + (Word{1} << pad) > offset) --pad;
                retype(u.cptr, id, sel4::ObjectBlueprint::untyped(pad), hold_slot(), 1);
                u.used += Word{1} << pad;
            }
            retype(u.cptr, id, bp, dest, 1);
            u.used = offset + (Word{1} << bits);
            return;
        }
        fail_object(id, Message("no untyped holds its physical address {:#x}", paddr).text());
    }

    // The untyped covers' children, from their parents in the spec.
    void create_covered_objects() {
        const std::uint32_t count = spec_.count(Table::Order);
        for (std::uint32_t i = covered_start_; i < count;) {
            const std::uint32_t id = spec_.get<Table::Order>(i);
            const binary::Object o = spec_.object(id);
            if (o.slot != i) fail_with("the spec is corrupt: creation order entry {} is object {}, whose slot is {}", i, id, o.slot);
            std::uint32_t parent = binary::none;
            for (std::uint32_t c = 0; c < spec_.count(Table::Covers); ++c) {
                const binary::Cover cover = spec_.get<Table::Covers>(c);
                if (id >= cover.children_start && id < cover.children_end) parent = cover.parent;
            }
            if (parent == binary::none) fail_object(id, "it is neither a root object nor in an untyped cover");
            if (spec_.object(parent).kind != spec::kind_index<spec::object::Untyped>)
                fail_object(id, "its untyped cover's parent is not an untyped");
            ++stats_.objects;
            if (o.kind == spec::kind_index<spec::object::AsidPool>) {
                const Word untyped = hold_slot();
                retype(cptr_of(parent), id, blueprint(id, o), untyped, 1);
                make_asid_pool(id, untyped, orig_base_ + i);
            } else {
                retype(cptr_of(parent), id, blueprint(id, o), orig_base_ + i, 1);
            }
            ++i;
        }
    }

    // IRQ handlers and I/O port ranges, from the control caps.
    void create_control_caps() {
        for (std::uint32_t n = 0; n < spec_.count(Table::Irqs); ++n) {
            const binary::Irq irq = spec_.get<Table::Irqs>(n);
            const binary::Object o = spec_.object(irq.handler);
            if (!arch::irq_kind_supported(o.kind)) fail_object(irq.handler, "is not an IRQ object of this arch");
            Word words[4] = {};
            const std::size_t word_count = o.kind == spec::kind_index<spec::object::Irq> ? 0
                                           : (o.kind == spec::kind_index<spec::object::ArmIrq>) ? 2
                                           : (o.kind == spec::kind_index<spec::object::RiscvIrq>) ? 1
                                                                                                   : 4;
            for (std::size_t w = 0; w < word_count; ++w) words[w] = spec_.word(o, w);
            check(arch::get_irq_handler(o.kind, words, irq.irq, slot(cptr_of(irq.handler))), "getting the handler of",
                  irq.handler, "IRQControl_Get");
        }
        for (std::uint32_t id = 0; id < spec_.object_count(); ++id) {
            const binary::Object o = spec_.object(id);
            if (o.kind != spec::kind_index<spec::object::IOPorts>) continue;
            check(arch::issue_io_ports(spec_.word(o, 0), spec_.word(o, 1), slot(cptr_of(id))), "issuing", id,
                  "IOPortControl_Issue");
        }
    }

    // --- IRQs, ASIDs, frames, VSpaces ----------------------------------------------------

    // A cap to `target` with `rights` and `badge` for a call that copies it: the object's own
    // cap, or a minted copy in the temporary slot (which end_temporary() empties).
    Word with_badge(std::uint32_t holder, std::uint32_t target, sel4::CapRights rights, Word badge) {
        if (badge == 0 && rights == sel4::CapRights::all()) return cptr_of(target);
        check(sel4::init::cnode.mint(sel4::RelativeCPtr(temp_), slot(cptr_of(target)), rights, sel4::Badge(badge)),
              "minting a cap for", holder, "CNode_Mint");
        return temp_;
    }
    void end_temporary(std::uint32_t holder, Word cap) {
        if (cap == temp_) check(sel4::init::cnode.delete_(sel4::RelativeCPtr(temp_)), "deleting a temporary cap for", holder, "CNode_Delete");
    }

    void init_irqs() {
        for (std::uint32_t n = 0; n < spec_.count(Table::Irqs); ++n) {
            const std::uint32_t handler = spec_.get<Table::Irqs>(n).handler;
            binary::Cap c{};
            if (!spec_.find_cap(spec_.object(handler), spec::object::irq_notification_slot, c)) continue;
            const Word notification = with_badge(handler, c.object, sel4::CapRights::all(), c.badge);
            check(sel4::cap::IrqHandler(cptr_of(handler)).set_notification(sel4::cap::Notification(notification)),
                  "setting the notification of", handler, "IRQHandler_SetNotification");
            end_temporary(handler, notification);
        }
    }

    void init_asids() {
        for (std::uint32_t id = 0; id < spec_.object_count(); ++id) {
            const binary::Object o = spec_.object(id);
            if (o.kind == spec::kind_index<spec::object::PageTable> && (o.flags & binary::object_flag::is_root))
                check(sel4::init::asid_pool.assign(sel4::cap::VSpace(cptr_of(id))), "assigning an ASID to", id,
                      "ASIDPool_Assign");
        }
    }

    // The paging structures of the scratch region (mapped when the first frame is filled).
    void prepare_scratch(std::uint32_t id) {
        if (scratch_ready_) return;
        scratch_ready_ = true;
        map_scratch_structure(id, 0);
    }
    // Maps the paging structure sel4::alloc::arch::intermediate[n] at the scratch address,
    // with the levels above it first where they are missing.
    void map_scratch_structure(std::uint32_t id, std::size_t n) {
        const sel4::arch::Object kind = sel4::alloc::arch::intermediate[n];
        const Word bits = sel4::arch::find(sel4::arch::objects, kind).size_bits;
        const Word table = hold_slot();
        Untyped &u = take(id, bits, 1);
        retype(u.cptr, id, sel4::ObjectBlueprint::arch(kind), table, 1);
        u.used = Untyped::align(u.used, bits) + (Word{1} << bits);
        for (;;) {
            auto mapped = sel4::alloc::arch::map_structure(kind, table, sel4::init::vspace, scratch);
            ++stats_.system_calls;
            if (mapped) return;
            if (mapped.error() != sel4::Error::FailedLookup || n + 1 == std::size(sel4::alloc::arch::intermediate))
                check(mapped, "filling", id, "mapping the initializer's scratch page table");
            map_scratch_structure(id, n + 1);
        }
    }

    void init_frames() {
        for (std::uint32_t id = 0; id < spec_.object_count(); ++id) {
            const binary::Object o = spec_.object(id);
            if (o.kind != spec::kind_index<spec::object::Frame> || (o.flags & binary::object_flag::embedded) || o.count == 0)
                continue;
            if (o.size_bits != 12 && o.size_bits != 21 && o.size_bits != 30)
                fail_object(id, "only frames of 4 KiB, 2 MiB and 1 GiB can be filled");
            prepare_scratch(id);
            const Word size = Word{1} << o.size_bits;
            const Word at = o.size_bits == 12 ? scratch : scratch + size; // 2 MiB or 1 GiB into the region
            const sel4::cap::Page frame(cptr_of(id));
            check(frame.map(sel4::init::vspace, at, sel4::CapRights::read_write(), arch::attributes(true, false)), "filling",
                  id, "Page_Map");
            auto *bytes = reinterpret_cast<std::byte *>(at);
            for (std::uint32_t n = 0; n < o.count; ++n) fill(id, spec_.fill(o, n), bytes, size);
            check(arch::after_fill(frame.cptr(), size), "filling", id, "synchronising the instruction cache");
            check(frame.unmap(), "filling", id, "Page_Unmap");
        }
    }

    void fill(std::uint32_t id, const binary::Fill &f, std::byte *frame, Word frame_size) {
        if (f.begin > f.end || f.end > frame_size) fail_object(id, Message("fill [{}, {}) is outside the frame", f.begin, f.end).text());
        std::byte *out = frame + f.begin;
        const Word length = f.end - f.begin;
        switch (f.kind) {
        case binary::fill_kind::bytes:
            if (f.data_size != length) fail_object(id, "a fill's data is not the size of its range");
            std::memcpy(out, spec_.bytes(f.data, f.data_size), length);
            return;
        case binary::fill_kind::deflated: {
            const sel4::zlib::InflateResult r = inflater_.inflate({spec_.bytes(f.data, f.data_size), f.data_size}, {out, length});
            if (!r) fail_object(id, Message("its deflated fill data does not inflate: {}", r.message).text());
            return;
        }
        case binary::fill_kind::boot_info: {
            const auto chunk = bi_.find_extra(static_cast<sel4::BootInfoId>(f.boot_info_id));
            if (!chunk || f.data > chunk->data.size() || length > chunk->data.size() - f.data)
                fail_object(id, Message("its fill needs BootInfo chunk {} (bytes {}..{}), which the kernel did not give",
                                        f.boot_info_id, f.data, f.data + length)
                                    .text());
            std::memcpy(out, chunk->data.data() + f.data, length);
            return;
        }
        default:
            fail_object(id, Message("a fill of unknown kind {}", f.kind).text());
        }
    }

    void init_vspaces() {
        for (std::uint32_t id = 0; id < spec_.object_count(); ++id) {
            const binary::Object o = spec_.object(id);
            if (o.kind == spec::kind_index<spec::object::PageTable> && (o.flags & binary::object_flag::is_root))
                map_tree(id, cptr_of(id), o, id, 0, 0);
        }
    }

    void map_tree(std::uint32_t root, Word vspace, const binary::Object &table, std::uint32_t table_id, unsigned level, Word base) {
        const std::uint32_t holder = level == 0 ? root : table_id;
        for (std::uint32_t n = 0; n < table.count; ++n) {
            const binary::Cap c = spec_.cap(table, n);
            const Word vaddr = base + (Word{c.slot} << entry_bits(level));
            if (c.kind == static_cast<std::uint8_t>(spec::CapKind::PageTable)) {
                if (level + 1 >= arch::levels) fail_object(holder, "a page table below the last level");
                check(arch::map_table(cptr_of(c.object), level + 1, vspace, vaddr), "mapping", c.object, "PageTable_Map");
                map_tree(root, vspace, spec_.object(c.object), c.object, level + 1, vaddr);
            } else if (c.kind == static_cast<std::uint8_t>(spec::CapKind::Frame)) {
                Word frame = cptr_of(c.object);
                if (!c.map_orig) {
                    if (copy_next_ == copy_end_) fail_with("the spec is corrupt: more frame mappings than its copy slots");
                    check(sel4::init::cnode.copy(sel4::RelativeCPtr(copy_next_), slot(frame), sel4::CapRights::all()),
                          "copying a cap to map", c.object, "CNode_Copy");
                    frame = copy_next_++;
                }
                check(sel4::cap::Page(frame).map(sel4::cap::VSpace(vspace), vaddr, rights(c),
                                                 arch::attributes(c.flags & binary::cap_flag::cached,
                                                                  c.flags & binary::cap_flag::executable)),
                      "mapping", c.object, "Page_Map");
            } else {
                fail_object(holder, "a paging structure holds a cap that is neither a page table nor a frame");
            }
        }
    }

    static sel4::CapRights rights(const binary::Cap &c) {
        using namespace binary::cap_flag;
        return sel4::CapRights(sel4::gen::seL4_CapRights((c.flags & grant_reply) != 0, (c.flags & grant) != 0,
                                                         (c.flags & read) != 0, (c.flags & write) != 0));
    }

    // --- Scheduling contexts, threads, CSpaces --------------------------------------------

    void init_sched_contexts() {
#if CPP_SEL4_CONFIG_KERNEL_MCS
        for (std::uint32_t id = 0; id < spec_.object_count(); ++id) {
            const binary::Object o = spec_.object(id);
            if (o.kind == spec::kind_index<spec::object::SchedContext>) configure_sched_context(id, o, 0);
        }
#endif
    }
#if CPP_SEL4_CONFIG_KERNEL_MCS
    void configure_sched_context(std::uint32_t id, const binary::Object &o, Word core) {
        const sel4::SlotRegion controls = bi_.sched_control();
        if (core >= controls.size()) fail_object(id, Message("its thread's core {} is not one of the {}", core, controls.size()).text());
        const sel4::cap::SchedControl control(controls.start + core);
        check(control.configure_flags(sel4::cap::SchedContext(cptr_of(id)), spec_.word(o, 1), spec_.word(o, 0), 0,
                                      sel4::Badge(spec_.word(o, 2)), 0),
              "configuring", id, "SchedControl_ConfigureFlags");
    }
#endif

    // The object of the cap in a TCB's slot, or none.
    std::uint32_t tcb_cap(const binary::Object &tcb, std::uint32_t slot, binary::Cap &c) const {
        return spec_.find_cap(tcb, slot, c) ? c.object : binary::none;
    }

    void init_tcbs() {
        namespace ts = spec::object::tcb_slot;
        for (std::uint32_t id = 0; id < spec_.object_count(); ++id) {
            const binary::Object o = spec_.object(id);
            if (o.kind != spec::kind_index<spec::object::Tcb>) continue;
            ++stats_.threads;
            const sel4::cap::Tcb tcb(cptr_of(id));
            const Word ipc_buffer_addr = spec_.word(o, 0), affinity = spec_.word(o, 1), ip = spec_.word(o, 2),
                       sp = spec_.word(o, 3), bits = spec_.word(o, 4), master_fault_ep = spec_.word(o, 5),
                       gprs = spec_.word(o, 6);
            binary::Cap cspace{}, vspace{}, buffer{}, c{};
            if (tcb_cap(o, ts::cspace, cspace) == binary::none || tcb_cap(o, ts::vspace, vspace) == binary::none)
                fail_object(id, "a TCB without a CSpace or a VSpace");
            const Word buffer_frame = tcb_cap(o, ts::ipc_buffer, buffer) == binary::none ? 0 : cptr_of(buffer.object);
            const sel4::CNodeCapData guard(cspace.badge, cspace.guard_size);
            const Word prio = bits & binary::tcb_bits::prio_mask, max_prio = (bits >> binary::tcb_bits::max_prio_shift) & 0xff;
#if CPP_SEL4_CONFIG_KERNEL_MCS
            (void)master_fault_ep;
            check(tcb.configure(sel4::cap::CNode(cptr_of(cspace.object)), guard, sel4::cap::VSpace(cptr_of(vspace.object)), 0,
                                ipc_buffer_addr, sel4::cap::Page(buffer_frame)),
                  "configuring", id, "TCB_Configure");
            const std::uint32_t sc = tcb_cap(o, ts::sched_context, c);
            if (sc != binary::none && affinity != 0) configure_sched_context(sc, spec_.object(sc), affinity);
            const std::uint32_t fault = tcb_cap(o, ts::fault_ep, c);
            const Word fault_ep = fault == binary::none ? 0 : with_badge(id, fault, rights(c), c.badge);
            check(tcb.set_sched_params(sel4::init::tcb, max_prio, prio,
                                       sel4::cap::SchedContext(sc == binary::none ? 0 : cptr_of(sc)),
                                       sel4::cap::Endpoint(fault_ep)),
                  "configuring", id, "TCB_SetSchedParams");
            end_temporary(id, fault_ep);
            if (tcb_cap(o, ts::temp_fault_ep, c) != binary::none)
                check(tcb.set_timeout_endpoint(sel4::cap::Endpoint(cptr_of(c.object))), "configuring", id,
                      "TCB_SetTimeoutEndpoint");
#else
            check(tcb.configure(sel4::cap::Endpoint((bits & binary::tcb_bits::has_master_fault_ep) ? master_fault_ep : 0),
                                sel4::cap::CNode(cptr_of(cspace.object)), guard, sel4::cap::VSpace(cptr_of(vspace.object)), 0,
                                ipc_buffer_addr, sel4::cap::Page(buffer_frame)),
                  "configuring", id, "TCB_Configure");
            check(tcb.set_sched_params(sel4::init::tcb, max_prio, prio), "configuring", id, "TCB_SetSchedParams");
#if CPP_SEL4_CONFIG_MAX_NUM_NODES > 1
            check(tcb.set_affinity(affinity), "configuring", id, "TCB_SetAffinity");
#else
            if (affinity != 0) fail_object(id, "affinity to another core on a kernel with one");
#endif
#endif
            if (bits & binary::tcb_bits::fpu_disabled)
                check(tcb.set_flags(0, sel4::gen::TCBFlag_fpuDisabled), "configuring", id, "TCB_SetFlags");
            if (tcb_cap(o, ts::bound_notification, c) != binary::none)
                check(tcb.bind_notification(sel4::cap::Notification(cptr_of(c.object))), "configuring", id,
                      "TCB_BindNotification");
            if (tcb_cap(o, ts::vcpu, c) != binary::none) set_vcpu(id, c.object, tcb);
            if (bits & binary::tcb_bits::has_domain)
                check(sel4::cap::DomainSet(sel4::gen::CapDomain).set((bits >> binary::tcb_bits::domain_shift) & 0xff, tcb),
                      "configuring", id, "DomainSet_Set");

            sel4::gen::UserContext regs{};
            Word args[arch::argument_registers] = {};
            if (gprs > arch::argument_registers) fail_object(id, "more initial registers than the arch passes arguments in");
            for (Word g = 0; g < gprs; ++g) args[g] = spec_.word(o, binary::tcb_fixed_words + g);
            arch::set_registers(regs, ip, sp, args, gprs);
            check(tcb.write_registers(false, 0, sizeof regs / sizeof(Word), regs), "configuring", id, "TCB_WriteRegisters");
            if (const std::string_view name = spec_.string(o.name); !name.empty()) {
                sel4::sys::debug_name_thread(bi_.ipc_buffer(), tcb.cptr(), name.data());
                ++stats_.system_calls;
            }
        }
    }

    void set_vcpu(std::uint32_t id, std::uint32_t vcpu, sel4::cap::Tcb tcb) {
#if CPP_SEL4_CONFIG_ARM_HYPERVISOR_SUPPORT
        check(sel4::cap::Vcpu(cptr_of(vcpu)).set_tcb(tcb), "configuring", id, "VCPU_SetTCB");
#else
        (void)vcpu;
        (void)tcb;
        fail_object(id, "a VCPU on a kernel without hypervisor support");
#endif
    }

    void init_cspaces() {
        for (std::uint32_t id = 0; id < spec_.object_count(); ++id) {
            const binary::Object o = spec_.object(id);
            if (o.kind != spec::kind_index<spec::object::CNode>) continue;
            const sel4::cap::CNode cnode(cptr_of(id));
            for (std::uint32_t n = 0; n < o.count; ++n) {
                const binary::Cap c = spec_.cap(o, n);
                const auto kind = static_cast<spec::CapKind>(c.kind);
                const bool has_rights = kind == spec::CapKind::Endpoint || kind == spec::CapKind::Notification ||
                                        kind == spec::CapKind::Frame;
                const sel4::CapRights r = has_rights ? rights(c) : sel4::CapRights::all();
                const sel4::RelativeCPtr dest(c.slot, o.size_bits);
                const sel4::AbsoluteCPtr src = slot(cptr_of(c.object));
                if (kind == spec::CapKind::Untyped) {
                    // Moved: a copy of an untyped cap with children (the objects of its covers)
                    // cannot be made, and the initializer needs it no more.
                    check(cnode.move(dest, src), "filling", id, "CNode_Move");
                } else if (kind == spec::CapKind::CNode && (c.badge != 0 || c.guard_size != 0)) {
                    check(cnode.mint(dest, src, r, sel4::CNodeCapData(c.badge, c.guard_size)), "filling", id, "CNode_Mint");
                } else if ((kind == spec::CapKind::Endpoint || kind == spec::CapKind::Notification) && c.badge != 0) {
                    check(cnode.mint(dest, src, r, sel4::Badge(c.badge)), "filling", id, "CNode_Mint");
                } else {
                    check(cnode.copy(dest, src, r), "filling", id, "CNode_Copy");
                }
            }
        }
    }

    void init_domain_schedule() {
        const binary::Header &h = spec_.header();
        if (!(h.flags & binary::header_flag::has_domain_schedule)) return;
        const sel4::cap::DomainSet domains(sel4::gen::CapDomain);
        const Word shift = (h.flags & binary::header_flag::has_domain_idx_shift) ? h.domain_idx_shift : 0;
        for (std::uint32_t n = 0; n < spec_.count(Table::DomainSchedule); ++n) {
            const binary::DomainSchedEntry e = spec_.get<Table::DomainSchedule>(n);
            const bool end = e.kind == static_cast<std::uint8_t>(spec::DomainSchedEntry::Kind::EndMarker);
            std::uint64_t duration = end ? 0 : e.duration;
            if (e.kind == static_cast<std::uint8_t>(spec::DomainSchedEntry::Kind::Us)) {
                // In the kernel's ticks: of its timer (the counter) on MCS kernels, else of its
                // timer tick (TIMER_TICK_MS), at least one.
                if (sel4::config::kernel_mcs) {
                    duration = duration * (sel4_runtime::arch::counter_frequency(bi_) / 1'000'000);
                } else {
                    if (h.tick_us == 0) fail_with("domain schedule entry {}: the spec gives no timer tick", n);
                    duration = std::max<std::uint64_t>(1, (duration + h.tick_us - 1) / h.tick_us);
                }
            }
            ++stats_.system_calls;
            if (auto r = domains.schedule_configure(n + shift, end ? 0 : e.domain, duration); !r)
                fail_with("domain schedule entry {}: DomainSet_ScheduleConfigure failed: {}", n, error_name(r.error()));
        }
    }

    void start_threads() {
        for (std::uint32_t id = 0; id < spec_.object_count(); ++id) {
            const binary::Object o = spec_.object(id);
            if (o.kind == spec::kind_index<spec::object::Tcb> && (spec_.word(o, 4) & binary::tcb_bits::resume))
                check(sel4::cap::Tcb(cptr_of(id)).resume(), "starting", id, "TCB_Resume");
        }
        const binary::Header &h = spec_.header();
        if (h.flags & binary::header_flag::has_domain_set_start) {
            ++stats_.system_calls;
            if (auto r = sel4::cap::DomainSet(sel4::gen::CapDomain).schedule_set_start(h.domain_set_start); !r)
                fail_with("DomainSet_ScheduleSetStart failed: {}", error_name(r.error()));
        }
    }

    const sel4::BootInfo &bi_;
    const Attached &at_;
    SpecView spec_;
    unsigned log_level_;
    Statistics stats_;
    Word orig_base_ = 0, copy_next_ = 0, copy_end_ = 0, temp_ = 0, hold_next_ = 0, hold_end_ = 0;
    Untyped untypeds_[max_untypeds]{};
    std::size_t untyped_count_ = 0;
    std::uint32_t covered_start_ = 0;
    bool scratch_ready_ = false;
    sel4::zlib::Inflater inflater_;
};

} // namespace

void CorruptSpec::operator()(std::string_view what, std::uint64_t index, std::uint64_t bound) const noexcept {
    fail_with("the spec is corrupt: {} {} is outside its bounds ({})", what, index, bound);
}

Statistics initialize(const sel4::BootInfo &boot_info, const Attached &attached) noexcept {
    // In .bss: the initializer's stack is small, and the untypeds and the inflater's workspace are not.
    alignas(Initializer) static std::byte storage[sizeof(Initializer)];
    return (new (storage) Initializer(boot_info, attached))->run();
}

} // namespace capdl_initializer
