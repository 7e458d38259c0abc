// The serialized spec that the CapDL initializer reads: a compact, versioned, little-endian
// format of cpp-sel4's own, written on the host (sel4/capdl/binary_writer.hpp, by
// `sel4-capdl add-spec`) and read in place on the target: no heap, no copy, no parsing pass.
//
// Layout: a Header, then tables of fixed-size records, each found through the header's table
// directory (offset and count). Records refer to each other by index (objects, caps, words) or
// by byte offset (strings, bytes). Nothing is trusted: SpecView checks the header and every
// table's extent when it opens the spec, and each accessor checks the indices and offsets that
// it follows, calling the reader's failure function (which does not return) with a message
// naming what is out of bounds. A corrupted spec is refused with that message, never a fault.
//
// Used on the host and the target alike: only the freestanding parts of the C++ library.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sel4::capdl::binary {

static_assert(std::endian::native == std::endian::little, "the format is read in place: a little-endian host");

inline constexpr char magic[8] = {'C', 'P', 'P', 'S', 'E', 'L', '4', 'S'};
inline constexpr std::uint32_t version = 1;
inline constexpr std::uint32_t none = 0xffff'ffff; // no name, no slot

// The tables, in the order of the header's directory.
enum class Table : std::uint32_t {
    Objects,        // Object
    Caps,           // Cap: the objects' cap tables, each a contiguous run
    Words,          // std::uint64_t: the objects' kind-specific data (see Object::words)
    Fills,          // Fill: the frames' fill entries, each frame's a contiguous run
    Bytes,          // std::uint8_t: fill data (plain or deflated)
    Strings,        // char: object names, each NUL-terminated
    Irqs,           // Irq
    AsidSlots,      // std::uint32_t: the ASID pools' objects, in asid_high order
    Covers,         // Cover
    DomainSchedule, // DomainSchedEntry
    Order,          // std::uint32_t: the objects the initializer creates, in the order of their slots
    Count,
};
inline constexpr std::size_t table_count = static_cast<std::size_t>(Table::Count);

struct TableExtent {
    std::uint32_t offset; // from the start of the spec
    std::uint32_t count;  // records
};

struct Header {
    char magic[8];
    std::uint32_t version;
    std::uint32_t size;  // bytes of the whole spec
    std::uint32_t flags; // header_flag
    std::uint32_t log_level;
    std::uint32_t root_objects_start, root_objects_end;
    std::uint32_t orig_slots; // the slots of the objects the initializer makes (Object::slot)
    std::uint32_t copy_slots; // the slots of the frame caps it copies for mappings
    std::uint32_t embedded_frames; // pages in the initializer's frame segment
    std::uint32_t tick_us; // a non-MCS kernel's timer tick in microseconds (for domain schedule durations in us)
    std::uint64_t domain_set_start;
    std::uint64_t domain_idx_shift;
    TableExtent tables[table_count];
};
namespace header_flag {
inline constexpr std::uint32_t has_domain_schedule = 1; // the spec has one (possibly empty)
inline constexpr std::uint32_t has_domain_set_start = 2;
inline constexpr std::uint32_t has_domain_idx_shift = 4;
} // namespace header_flag

// An object. Which words it has at Object::words depends on its kind (an index of
// sel4::capdl::Object, spec.hpp):
//   Untyped, Frame: [paddr] when has_paddr; an embedded Frame: [its page in the frame segment]
//   Tcb: [ipc_buffer_addr, affinity, ip, sp, tcb_bits (below), master_fault_ep, gprs count, gprs...]
//   ArmIrq: [trigger, target]; RiscvIrq: [trigger]; IrqMsi: [handle, pci bus, dev, func];
//   IrqIOApic: [ioapic, pin, level, polarity]; IOPorts: [start, end];
//   SchedContext: [period, budget, badge]; AsidPool: [high]; IOSpace: [domain id, bus, dev, func];
//   IOPageTable: [level]; the others: none.
struct Object {
    std::uint8_t kind;
    std::uint8_t size_bits; // Untyped, CNode, Frame, SchedContext
    std::uint8_t flags;     // object_flag
    std::uint8_t level;     // PageTable, when has_level
    std::uint32_t name;     // into Strings, or none
    std::uint32_t first;    // the object's caps (into Caps) or, for a frame, its fills (into Fills)
    std::uint32_t count;
    std::uint32_t words; // into Words
    std::uint32_t slot;  // its cap's slot among Header::orig_slots, or none
};
namespace object_flag {
inline constexpr std::uint8_t has_paddr = 1;
inline constexpr std::uint8_t embedded = 2; // a frame in the initializer's frame segment: its user-image frame cap is the object
inline constexpr std::uint8_t is_root = 4;  // a PageTable that is a VSpace root
inline constexpr std::uint8_t x86_ept = 8;
inline constexpr std::uint8_t has_level = 16;
} // namespace object_flag
// The bits of a Tcb's fifth word.
namespace tcb_bits {
inline constexpr std::uint64_t prio_mask = 0xff;   // bits 0-7: priority
inline constexpr unsigned max_prio_shift = 8;      // bits 8-15: maximum controlled priority
inline constexpr std::uint64_t fpu_disabled = 1 << 16;
inline constexpr std::uint64_t resume = 1 << 17;
inline constexpr std::uint64_t has_domain = 1 << 18;
inline constexpr std::uint64_t has_master_fault_ep = 1 << 19;
inline constexpr unsigned domain_shift = 24; // bits 24-31
} // namespace tcb_bits
inline constexpr std::uint32_t tcb_fixed_words = 7; // the words before the gprs

struct Cap {
    std::uint32_t slot;
    std::uint32_t object;
    std::uint8_t kind;       // sel4::capdl::CapKind
    std::uint8_t flags;      // cap_flag
    std::uint8_t guard_size; // CNode
    std::uint8_t map_orig;   // a frame cap in a page table: the mapping uses the frame's own cap (its first)
    std::uint32_t reserved;
    std::uint64_t badge; // Endpoint, Notification: the badge; CNode: the guard
};
namespace cap_flag {
inline constexpr std::uint8_t read = 1;
inline constexpr std::uint8_t write = 2;
inline constexpr std::uint8_t grant = 4;
inline constexpr std::uint8_t grant_reply = 8;
inline constexpr std::uint8_t cached = 16;
inline constexpr std::uint8_t executable = 32;
} // namespace cap_flag

struct Fill {
    std::uint32_t begin, end; // bytes of the frame
    std::uint8_t kind;        // fill_kind
    std::uint8_t boot_info_id;
    std::uint16_t reserved;
    std::uint32_t data;      // into Bytes; BootInfo: the offset in the BootInfo chunk
    std::uint32_t data_size; // bytes at data (the deflated size for deflated data)
};
namespace fill_kind {
inline constexpr std::uint8_t bytes = 0, deflated = 1, boot_info = 2;
} // namespace fill_kind

struct Irq {
    std::uint64_t irq;
    std::uint32_t handler;
    std::uint32_t reserved;
};
struct Cover {
    std::uint32_t parent, children_start, children_end;
};
struct DomainSchedEntry {
    std::uint64_t duration;
    std::uint8_t domain;
    std::uint8_t kind; // sel4::capdl::DomainSchedEntry::Kind
    std::uint8_t reserved[6];
};

// The record type of each table.
template <Table> struct record;
template <> struct record<Table::Objects> { using type = Object; };
template <> struct record<Table::Caps> { using type = Cap; };
template <> struct record<Table::Words> { using type = std::uint64_t; };
template <> struct record<Table::Fills> { using type = Fill; };
template <> struct record<Table::Bytes> { using type = std::uint8_t; };
template <> struct record<Table::Strings> { using type = char; };
template <> struct record<Table::Irqs> { using type = Irq; };
template <> struct record<Table::AsidSlots> { using type = std::uint32_t; };
template <> struct record<Table::Covers> { using type = Cover; };
template <> struct record<Table::DomainSchedule> { using type = DomainSchedEntry; };
template <> struct record<Table::Order> { using type = std::uint32_t; };
template <Table T> using record_t = typename record<T>::type;

inline constexpr std::size_t record_sizes[table_count] = {
    sizeof(Object), sizeof(Cap), 8, sizeof(Fill), 1, 1, sizeof(Irq), 4, sizeof(Cover), sizeof(DomainSchedEntry), 4};
static_assert(sizeof(Header) == 64 + 8 * table_count);
static_assert(sizeof(Object) == 24 && sizeof(Cap) == 24 && sizeof(Fill) == 20 && sizeof(Irq) == 16 &&
              sizeof(Cover) == 12 && sizeof(DomainSchedEntry) == 16);

// The table names, for messages.
inline constexpr std::string_view table_names[table_count] = {
    "objects", "caps", "words", "fills", "bytes", "strings", "IRQs", "ASID slots", "untyped covers",
    "domain schedule", "creation order"};

// Where `sel4-capdl add-spec` put the spec and the embedded frames in the initializer: it
// patches the initializer's variable of this type (symbol `location_symbol`).
struct Location {
    char magic[8]; // binary::magic once patched
    std::uint64_t image_start;  // the lowest page of the initializer's image: its first user-image frame
    std::uint64_t spec_vaddr;   // the spec segment
    std::uint64_t spec_size;
    std::uint64_t frames_vaddr; // the embedded frames' segment (page-aligned), or 0
    std::uint64_t frames_count; // its pages
};
inline constexpr const char *location_symbol = "sel4_capdl_spec_location";
// The initializer holds the gen_config.json of the kernel it was built for between these two
// symbols, so that add-spec checks a spec against that kernel when it is given no other.
inline constexpr const char *kernel_config_symbol = "sel4_capdl_kernel_config";
inline constexpr const char *kernel_config_end_symbol = "sel4_capdl_kernel_config_end";

// A read-only view of a serialized spec, in place. Fail is a callable [[noreturn]] void
// (std::string_view what, std::uint64_t index, std::uint64_t bound): it is called for a
// header that is not a spec of this version, a table that lies outside the spec, or an index
// or offset outside its table ("<what> <index> is outside ... (<bound>)"), and must not return
// (the initializer halts with the message; host tools throw).
template <class Fail> class SpecView {
public:
    SpecView(const std::byte *data, std::size_t size, Fail fail) : data_(data), size_(size), fail_(fail) {
        if (size < sizeof(Header)) fail_("the spec is shorter than its header: bytes", size, sizeof(Header));
        std::memcpy(&header_, data, sizeof header_);
        if (std::memcmp(header_.magic, magic, sizeof magic) != 0) fail_("the spec's magic number is wrong at byte", 0, 0);
        if (header_.version != version) fail_("the spec is of another format version:", header_.version, version);
        if (header_.size > size) fail_("the spec's size is larger than its segment:", header_.size, size);
        for (std::size_t t = 0; t < table_count; ++t) {
            const TableExtent &e = header_.tables[t];
            const std::uint64_t end = std::uint64_t{e.offset} + std::uint64_t{e.count} * record_sizes[t];
            if (e.offset < sizeof(Header) || end > header_.size) fail_(table_names[t], e.offset, header_.size);
        }
    }

    const Header &header() const { return header_; }
    std::uint32_t count(Table table) const { return header_.tables[static_cast<std::size_t>(table)].count; }

    // Record `index` of a table, checked.
    template <Table T> record_t<T> get(std::uint64_t index) const {
        const TableExtent &e = header_.tables[static_cast<std::size_t>(T)];
        if (index >= e.count) fail_(table_names[static_cast<std::size_t>(T)], index, e.count);
        record_t<T> value;
        std::memcpy(&value, data_ + e.offset + index * sizeof value, sizeof value);
        return value;
    }
    // Checks that records [first, first + count) of a table exist.
    void check_range(Table table, std::uint64_t first, std::uint64_t count) const {
        const TableExtent &e = header_.tables[static_cast<std::size_t>(table)];
        if (first > e.count || count > e.count - first)
            fail_(table_names[static_cast<std::size_t>(table)], first + count, e.count);
    }
    // Bytes [offset, offset + size) of the Bytes table, checked.
    const std::byte *bytes(std::uint64_t offset, std::uint64_t size) const {
        check_range(Table::Bytes, offset, size);
        return data_ + header_.tables[static_cast<std::size_t>(Table::Bytes)].offset + offset;
    }
    // The NUL-terminated string at `offset` of the Strings table (empty for none), checked.
    std::string_view string(std::uint32_t offset) const {
        if (offset == none) return {};
        const TableExtent &e = header_.tables[static_cast<std::size_t>(Table::Strings)];
        if (offset >= e.count) fail_("name", offset, e.count);
        const char *start = reinterpret_cast<const char *>(data_ + e.offset + offset);
        const void *end = std::memchr(start, 0, e.count - offset);
        if (end == nullptr) fail_("the name without an end at", offset, e.count);
        return {start, static_cast<std::size_t>(static_cast<const char *>(end) - start)};
    }

    Object object(std::uint64_t id) const { return get<Table::Objects>(id); }
    std::uint32_t object_count() const { return count(Table::Objects); }
    // Word `n` of an object's words, checked.
    std::uint64_t word(const Object &object, std::uint64_t n) const { return get<Table::Words>(std::uint64_t{object.words} + n); }
    // Cap `n` of an object's cap table (n < object.count), checked.
    Cap cap(const Object &object, std::uint32_t n) const {
        if (n >= object.count) fail_("cap", n, object.count);
        return get<Table::Caps>(std::uint64_t{object.first} + n);
    }
    // The cap in `slot` of an object's table, or nullptr-like: found = false.
    bool find_cap(const Object &object, std::uint32_t slot, Cap &found) const {
        for (std::uint32_t n = 0; n < object.count; ++n) {
            found = cap(object, n);
            if (found.slot == slot) return true;
        }
        return false;
    }
    Fill fill(const Object &frame, std::uint32_t n) const {
        if (n >= frame.count) fail_("fill", n, frame.count);
        return get<Table::Fills>(std::uint64_t{frame.first} + n);
    }

private:
    const std::byte *data_;
    std::size_t size_;
    Fail fail_;
    Header header_{};
};

} // namespace sel4::capdl::binary
