// The CapDL spec model: a whole seL4 system as objects, the capabilities in their slots, IRQ
// handlers, ASID pools, untyped covers and the domain schedule. The same shapes as rust-sel4's
// sel4-capdl-initializer-types (release 5.0.0) and Microkit 2.3's CapDL output, so that a spec
// either of them writes as JSON (sel4/capdl/json.hpp) loads here unchanged.
//
// Objects are named by their index in Spec::objects (ObjectId). Frames carry their contents as
// fill entries: byte ranges of the frame taken from a file (FileData) or from the BootInfo.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace sel4::capdl {

using ObjectId = std::uint32_t;
using Word = std::uint64_t;

// [start, end).
template <class T> struct Range {
    T start{};
    T end{};
    bool operator==(const Range &) const = default;
};

struct Rights {
    bool read = false;
    bool write = false;
    bool grant = false;
    bool grant_reply = false;
    static constexpr Rights all() { return {true, true, true, true}; }
    bool operator==(const Rights &) const = default;
};

// --- Capabilities ---------------------------------------------------------------------------

// The kinds of capability a spec holds; each names its object by id.
enum class CapKind : std::uint8_t {
    Untyped, Endpoint, Notification, CNode, Tcb, IrqHandler, VCpu, Frame, PageTable, AsidPool, IOSpace,
    IOPageTable, ArmIrqHandler, IrqMsiHandler, IrqIOApicHandler, RiscvIrqHandler, IOPorts, SchedContext, Reply,
    ArmSmc, DomainSet,
};

// A capability. Which of the fields beyond `object` mean something depends on the kind:
// badge and rights (Endpoint, Notification), rights, cached and executable (Frame), guard and
// guard_size (CNode); the others keep their defaults.
struct Cap {
    CapKind kind = CapKind::Endpoint;
    ObjectId object = 0;
    Word badge = 0;
    Rights rights{};
    Word guard = 0;
    std::uint8_t guard_size = 0;
    bool cached = true;
    bool executable = false;
    bool operator==(const Cap &) const = default;
};

struct CapTableEntry {
    std::uint32_t slot = 0;
    Cap cap{};
    bool operator==(const CapTableEntry &) const = default;
};
using CapTable = std::vector<CapTableEntry>;

// --- Objects ---------------------------------------------------------------------------------

namespace object {

struct Untyped {
    std::uint8_t size_bits = 0;
    std::optional<Word> paddr;
    bool operator==(const Untyped &) const = default;
};
struct Endpoint {
    bool operator==(const Endpoint &) const = default;
};
struct Notification {
    bool operator==(const Notification &) const = default;
};
struct CNode {
    std::uint8_t size_bits = 0; // 2^size_bits slots
    CapTable slots;
    bool operator==(const CNode &) const = default;
};

// The fixed slots of a TCB's cap table.
namespace tcb_slot {
inline constexpr std::uint32_t cspace = 0, vspace = 1, ipc_buffer = 4, fault_ep = 5, sched_context = 6,
                               temp_fault_ep = 7, bound_notification = 8, vcpu = 9, x86_ept_pml4 = 10;
}
struct TcbExtra {
    Word ipc_buffer_addr = 0;
    Word affinity = 0;
    std::uint8_t prio = 0;
    std::uint8_t max_prio = 0;
    bool fpu_disabled = false;
    bool resume = false;
    std::optional<std::uint8_t> domain;
    Word ip = 0;
    Word sp = 0;
    std::vector<Word> gprs;
    std::optional<Word> master_fault_ep; // a CPtr in the thread's CSpace (non-MCS)
    bool operator==(const TcbExtra &) const = default;
};
struct Tcb {
    CapTable slots;
    TcbExtra extra;
    bool operator==(const Tcb &) const = default;
};
// The IRQ objects hold the notification the IRQ signals in slot 0.
inline constexpr std::uint32_t irq_notification_slot = 0;
struct Irq {
    CapTable slots;
    bool operator==(const Irq &) const = default;
};
struct VCpu {
    bool operator==(const VCpu &) const = default;
};

// Where a fill entry's bytes come from.
struct FileData {
    std::string file;
    std::uint64_t file_offset = 0;
    bool operator==(const FileData &) const = default;
};
enum class BootInfoId : std::uint8_t { Padding, X86Vbe, X86Mbmmap, X86AcpiRsdp, X86FrameBuffer, X86TscFreq, Fdt };
struct BootInfoData {
    BootInfoId id = BootInfoId::Padding;
    std::uint64_t offset = 0;
    bool operator==(const BootInfoData &) const = default;
};
struct FillEntry {
    Range<std::uint64_t> range; // bytes of the frame
    std::variant<FileData, BootInfoData> content;
    bool operator==(const FillEntry &) const = default;
};
struct Frame {
    std::uint8_t size_bits = 12;
    std::optional<Word> paddr;
    std::vector<FillEntry> init;
    bool operator==(const Frame &) const = default;
};
// A paging structure; its slots hold PageTable or Frame caps, indexed by entry.
struct PageTable {
    bool x86_ept = false;
    bool is_root = false;
    std::optional<std::uint8_t> level;
    CapTable slots;
    bool operator==(const PageTable &) const = default;
};
struct AsidPool {
    Word high = 0;
    bool operator==(const AsidPool &) const = default;
};
struct PciDevice {
    std::uint8_t bus = 0, device = 0, function = 0;
    bool operator==(const PciDevice &) const = default;
};
struct IOSpace {
    CapTable slots;
    Word domain_id = 0;
    PciDevice pci_device;
    bool operator==(const IOSpace &) const = default;
};
struct IOPageTable {
    CapTable slots;
    Word level = 0;
    bool operator==(const IOPageTable &) const = default;
};
struct ArmIrq {
    CapTable slots;
    std::uint8_t trigger = 0; // 0 level, 1 edge
    Word target = 0;          // the core
    bool operator==(const ArmIrq &) const = default;
};
struct IrqMsi {
    CapTable slots;
    Word handle = 0, pci_bus = 0, pci_dev = 0, pci_func = 0;
    bool operator==(const IrqMsi &) const = default;
};
struct IrqIOApic {
    CapTable slots;
    Word ioapic = 0, pin = 0, level = 0, polarity = 0;
    bool operator==(const IrqIOApic &) const = default;
};
struct RiscvIrq {
    CapTable slots;
    std::uint8_t trigger = 0;
    bool operator==(const RiscvIrq &) const = default;
};
struct IOPorts {
    Word start_port = 0, end_port = 0;
    bool operator==(const IOPorts &) const = default;
};
struct SchedContext {
    std::uint8_t size_bits = 0;
    std::uint64_t period = 0, budget = 0; // microseconds
    Word badge = 0;
    bool operator==(const SchedContext &) const = default;
};
struct Reply {
    bool operator==(const Reply &) const = default;
};
struct ArmSmc {
    bool operator==(const ArmSmc &) const = default;
};
struct DomainSet {
    bool operator==(const DomainSet &) const = default;
};

} // namespace object

// Every kind of object seL4 16.0.0 has on aarch64, riscv64 and x86_64.
using Object = std::variant<object::Untyped, object::Endpoint, object::Notification, object::CNode, object::Tcb,
                            object::Irq, object::VCpu, object::Frame, object::PageTable, object::AsidPool,
                            object::IOSpace, object::IOPageTable, object::ArmIrq, object::IrqMsi, object::IrqIOApic,
                            object::RiscvIrq, object::IOPorts, object::SchedContext, object::Reply, object::ArmSmc,
                            object::DomainSet>;

// The kinds' names, as JSON and messages spell them, in the order of Object's alternatives and
// of CapKind's enumerators.
inline constexpr std::array<std::string_view, std::variant_size_v<Object>> object_kind_names{
    "Untyped", "Endpoint", "Notification", "CNode", "Tcb", "Irq", "VCpu", "Frame", "PageTable", "AsidPool",
    "IOSpace", "IOPageTable", "ArmIrq", "IrqMsi", "IrqIOApic", "RiscvIrq", "IOPorts", "SchedContext", "Reply",
    "ArmSmc", "DomainSet"};
inline constexpr std::array<std::string_view, static_cast<std::size_t>(CapKind::DomainSet) + 1> cap_kind_names{
    "Untyped", "Endpoint", "Notification", "CNode", "Tcb", "IrqHandler", "VCpu", "Frame", "PageTable", "AsidPool",
    "IOSpace", "IOPageTable", "ArmIrqHandler", "IrqMsiHandler", "IrqIOApicHandler", "RiscvIrqHandler", "IOPorts",
    "SchedContext", "Reply", "ArmSmc", "DomainSet"};
inline constexpr std::string_view name_of(CapKind kind) { return cap_kind_names[static_cast<std::size_t>(kind)]; }
inline std::string_view kind_name(const Object &object) { return object_kind_names[object.index()]; }

namespace detail {
template <class T, class Variant> struct alternative_index;
template <class T, class... Alternatives> struct alternative_index<T, std::variant<Alternatives...>> {
    static constexpr std::size_t value = [] {
        constexpr bool same[] = {std::is_same_v<T, Alternatives>...};
        std::size_t index = 0;
        while (!same[index]) ++index;
        return index;
    }();
};
} // namespace detail

// The index in Object of the kind T (object::Frame, ...), as Object::index() gives it.
template <class T> inline constexpr std::size_t kind_index = detail::alternative_index<T, Object>::value;

// Whether an object kind (an index of Object) is one of the IRQ objects.
constexpr bool is_irq_kind(std::size_t kind) {
    return kind == kind_index<object::Irq> || kind == kind_index<object::ArmIrq> || kind == kind_index<object::IrqMsi> ||
           kind == kind_index<object::IrqIOApic> || kind == kind_index<object::RiscvIrq>;
}

// The object kind (an index of Object) that a cap of `kind` refers to: the kind of the same
// name, but for the IRQ handlers, which refer to the IRQ objects.
constexpr std::size_t object_kind_of(CapKind kind) {
    switch (kind) {
    case CapKind::IrqHandler:
        return kind_index<object::Irq>;
    case CapKind::ArmIrqHandler:
        return kind_index<object::ArmIrq>;
    case CapKind::IrqMsiHandler:
        return kind_index<object::IrqMsi>;
    case CapKind::IrqIOApicHandler:
        return kind_index<object::IrqIOApic>;
    case CapKind::RiscvIrqHandler:
        return kind_index<object::RiscvIrq>;
    default:
        return static_cast<std::size_t>(kind); // the other enumerators follow Object's alternatives
    }
}
static_assert(object_kind_of(CapKind::DomainSet) == std::variant_size_v<Object> - 1);
static_assert(std::is_same_v<std::variant_alternative_t<object_kind_of(CapKind::RiscvIrqHandler), Object>, object::RiscvIrq>);
static_assert(std::is_same_v<std::variant_alternative_t<object_kind_of(CapKind::Frame), Object>, object::Frame>);

// The cap table of an object that has one (CNodes, TCBs, IRQ objects, page tables, ...), else nullptr.
inline const CapTable *slots_of(const Object &object) {
    return std::visit(
        [](const auto &o) -> const CapTable * {
            if constexpr (requires { o.slots; }) {
                return &o.slots;
            } else {
                return nullptr;
            }
        },
        object);
}
inline CapTable *slots_of(Object &object) { return const_cast<CapTable *>(slots_of(std::as_const(object))); }

// The sizes, as bits, of the objects whose size the kernel's configuration decides:
// seL4_TCBBits (10 to 12, by the FPU, the XSAVE area and debug options), seL4_NotificationBits
// (6 on MCS kernels, else 5) and seL4_VSpaceBits (13 for aarch64's stage-2 root of 1024
// entries, else 12). The defaults are the smallest that aarch64, riscv64 and x86_64 have.
struct ObjectSizes {
    unsigned tcb = 10;
    unsigned notification = 5;
    unsigned vspace = 12;
};

// How much of an untyped an object takes when retyped from it, as bits: 2^bits bytes, aligned
// to their size. nullopt for the objects not made from memory (IRQs, I/O spaces and ports,
// SMC, the domain set). VCpus are aarch64's (seL4_VCPUBits 12).
constexpr std::optional<unsigned> size_bits_of(const Object &object, const ObjectSizes &sizes = {}) {
    constexpr unsigned slot_bits = 5, endpoint_bits = 4, reply_bits = 5, table_bits = 12, vcpu_bits = 12,
                       asid_pool_bits = 12;
    return std::visit(
        [&](const auto &o) -> std::optional<unsigned> {
            using T = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<T, object::Untyped> || std::is_same_v<T, object::Frame> ||
                          std::is_same_v<T, object::SchedContext>) {
                return o.size_bits;
            } else if constexpr (std::is_same_v<T, object::CNode>) {
                return o.size_bits + slot_bits;
            } else if constexpr (std::is_same_v<T, object::Tcb>) {
                return sizes.tcb;
            } else if constexpr (std::is_same_v<T, object::Endpoint>) {
                return endpoint_bits;
            } else if constexpr (std::is_same_v<T, object::Notification>) {
                return sizes.notification;
            } else if constexpr (std::is_same_v<T, object::Reply>) {
                return reply_bits;
            } else if constexpr (std::is_same_v<T, object::PageTable>) {
                return o.is_root ? sizes.vspace : table_bits;
            } else if constexpr (std::is_same_v<T, object::IOPageTable>) {
                return table_bits;
            } else if constexpr (std::is_same_v<T, object::VCpu>) {
                return vcpu_bits;
            } else if constexpr (std::is_same_v<T, object::AsidPool>) {
                return asid_pool_bits;
            } else {
                return std::nullopt;
            }
        },
        object);
}

struct NamedObject {
    std::optional<std::string> name;
    Object object;
    bool operator==(const NamedObject &) const = default;
};

// --- The system ------------------------------------------------------------------------------

struct IrqEntry {
    Word irq = 0;
    ObjectId handler = 0; // an IRQ object
    bool operator==(const IrqEntry &) const = default;
};

// One entry of the domain schedule: a domain and how long it runs, or the schedule's end.
struct DomainSchedEntry {
    enum class Kind : std::uint8_t { Ticks, Us, EndMarker };
    std::uint8_t domain = 0;
    Kind kind = Kind::Ticks;
    std::uint64_t duration = 1; // non-zero; unused for EndMarker
    bool operator==(const DomainSchedEntry &) const = default;
};

// Objects made by retyping a spec untyped (parent) rather than the BootInfo's.
struct UntypedCover {
    ObjectId parent = 0;
    Range<ObjectId> children;
    bool operator==(const UntypedCover &) const = default;
};

// The initializer's dense numbering of the objects that need a slot of their own.
struct OrigCapSlots {
    std::uint32_t num_occupied = 0;
    std::vector<std::optional<std::uint32_t>> offsets_by_object;
    bool operator==(const OrigCapSlots &) const = default;
};

struct Spec {
    std::vector<NamedObject> objects;
    std::vector<IrqEntry> irqs;
    std::optional<std::vector<DomainSchedEntry>> domain_schedule;
    std::optional<Word> domain_set_start;
    std::optional<Word> domain_idx_shift;
    std::vector<ObjectId> asid_slots; // ASID pools, in asid_high order
    Range<ObjectId> root_objects;     // the objects made from the BootInfo's untypeds
    std::vector<UntypedCover> untyped_covers;
    std::optional<OrigCapSlots> cached_orig_cap_slots;
    std::optional<std::uint8_t> log_level;
    bool operator==(const Spec &) const = default;
};

} // namespace sel4::capdl
