// Describing a system in a few lines of C++ and getting its spec: objects, caps in their slots,
// mappings (with the page tables they need made on demand), threads loaded from ELF files,
// untyped covers. finish() checks the whole with the validator against the kernel's
// configuration, which also decides the paging geometry. Host only: it reads ELF files.
//
//     Builder builder(kernel);
//     const Thread client = builder.thread_from_elf("client", "build/client.elf", "client.elf");
//     const Thread server = builder.thread_from_elf("server", "build/server.elf", "server.elf");
//     const ObjectId ep = builder.endpoint("ep");
//     builder.insert(client.cspace, 1, cap::endpoint(ep, 0, Rights{.write = true, .grant_reply = true}));
//     builder.insert(server.cspace, 1, cap::endpoint(ep, 0, Rights{.read = true}));
//     const ObjectId shared = builder.frame("shared");
//     builder.map(client.vspace, 0x1000000, shared);
//     builder.map(server.vspace, 0x2000000, shared, read_only);
//     const Spec spec = builder.finish();
#pragma once

#include <sel4/capdl/spec.hpp>
#include <sel4/capdl/validate.hpp>

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sel4::capdl {

// A request the system cannot meet (a slot taken, an address mapped twice, ...), or the
// validator's problems with the finished spec.
class BuildError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

inline constexpr Rights read_only{.read = true};
inline constexpr Rights read_write{.read = true, .write = true};

// Caps to put into slots with Builder::insert.
namespace cap {
constexpr Cap untyped(ObjectId id) { return {.kind = CapKind::Untyped, .object = id}; }
constexpr Cap endpoint(ObjectId id, Word badge = 0, Rights rights = Rights::all()) {
    return {.kind = CapKind::Endpoint, .object = id, .badge = badge, .rights = rights};
}
constexpr Cap notification(ObjectId id, Word badge = 0, Rights rights = Rights::all()) {
    return {.kind = CapKind::Notification, .object = id, .badge = badge, .rights = rights};
}
constexpr Cap cnode(ObjectId id, Word guard = 0, std::uint8_t guard_size = 0) {
    return {.kind = CapKind::CNode, .object = id, .guard = guard, .guard_size = guard_size};
}
constexpr Cap tcb(ObjectId id) { return {.kind = CapKind::Tcb, .object = id}; }
constexpr Cap frame(ObjectId id, Rights rights = read_write, bool cached = true, bool executable = false) {
    return {.kind = CapKind::Frame, .object = id, .rights = rights, .cached = cached, .executable = executable};
}
constexpr Cap page_table(ObjectId id) { return {.kind = CapKind::PageTable, .object = id}; }
constexpr Cap vcpu(ObjectId id) { return {.kind = CapKind::VCpu, .object = id}; }
constexpr Cap sched_context(ObjectId id) { return {.kind = CapKind::SchedContext, .object = id}; }
constexpr Cap reply(ObjectId id) { return {.kind = CapKind::Reply, .object = id}; }
} // namespace cap

// How Builder::thread makes a thread, for designated initializers ({.prio = 150}). Addresses
// are in the thread's VSpace.
struct ThreadOptions {
    std::optional<ObjectId> cspace{};      // a CNode to share; else a new one of 2^cspace_size_bits slots
    std::uint8_t cspace_size_bits = 8;     // its cap's guard makes it resolve 64-bit CPtrs
    std::optional<std::uint8_t> cspace_guard_size{}; // else the cap's guard (default: 64 - the CNode's bits)
    std::optional<ObjectId> vspace{};      // a VSpace root to share; else a new one
    Word ipc_buffer_addr = 0x1f'ffff'f000; // 128 GiB - 4 KiB: in every arch's user address space
    std::optional<Word> stack_top{};       // default: ipc_buffer_addr - 4 KiB, a free page between
    Word stack_size = 64 * 1024;           // a multiple of 4 KiB; an unmapped guard page below it
    std::vector<Word> gprs{};              // the C argument registers, in order
    std::uint8_t prio = 100;
    std::uint8_t max_prio = 100;
    Word affinity = 0; // the core
    std::optional<std::uint8_t> domain{};
    bool fpu = true; // false: the kernel does not save the thread's FPU state (it must not use it)
    bool resume = true;
};

// What Builder::thread made (or shared): caps go into cspace, more mappings into vspace.
struct Thread {
    ObjectId tcb;
    ObjectId cspace;
    ObjectId vspace;
    ObjectId ipc_buffer;
};

enum class IrqTrigger : std::uint8_t { level = 0, edge = 1 };

class Builder {
public:
    explicit Builder(KernelConfig kernel);

    const KernelConfig &kernel() const { return kernel_; }
    // The spec so far, its root_objects and untyped_covers up to date.
    const Spec &spec() const { return spec_; }
    // The object of that name.
    std::optional<ObjectId> find(std::string_view name) const;
    // The object `id`, which must be a T (object::Tcb, ...).
    template <class T> T &get(ObjectId id);
    template <class T> const T &get(ObjectId id) const;

    // --- Objects; names are unique. Inside a cover (begin_cover), the cover's children.
    ObjectId add(std::string name, Object object);
    ObjectId untyped(std::string name, std::uint8_t size_bits, std::optional<Word> paddr = std::nullopt);
    ObjectId endpoint(std::string name);
    ObjectId notification(std::string name);
    ObjectId cnode(std::string name, std::uint8_t size_bits);
    ObjectId tcb(std::string name, object::TcbExtra extra = {});
    ObjectId frame(std::string name, std::uint8_t size_bits = 12, std::optional<Word> paddr = std::nullopt);
    ObjectId vspace(std::string name); // a VSpace root (level 0)
    ObjectId vcpu(std::string name);
    ObjectId sched_context(std::string name, std::uint64_t period_us, std::uint64_t budget_us, Word badge = 0,
                           std::uint8_t size_bits = 8);
    ObjectId reply(std::string name);
    // The kernel's IRQ object for `irq` (ArmIrq on core 0, RiscvIrq, or on x86_64 IrqIOApic:
    // pin `irq` of the first I/O APIC), signalling `notification` with `badge`, and its entry
    // in the spec's IRQs.
    ObjectId irq(std::string name, Word irq, ObjectId notification, Word badge = 0, IrqTrigger trigger = IrqTrigger::level);
    // The same for an IRQ object of any kind made by the caller (an x86 MSI or an I/O APIC pin
    // with its polarity, ...): `irq` is its number in the spec's IRQs (an x86 IRQ's vector).
    ObjectId irq_object(std::string name, Word irq, Object object, ObjectId notification, Word badge = 0);
    // A cap to an IRQ object, of the handler kind that fits it.
    Cap irq_handler(ObjectId irq) const;

    // --- Contents
    // Puts a cap into a CNode's (within its size), TCB's (object::tcb_slot) or IRQ object's slot.
    void insert(ObjectId holder, std::uint32_t slot, const Cap &cap);
    // Adds bytes to a frame's initial contents; the rest of the frame is zero.
    void fill(ObjectId frame, object::FillEntry entry);
    // Maps a frame at vaddr (aligned to its size), making the page tables on the way (named
    // "<vspace>_pt_l<level>_<address they start at>"); each page of a VSpace is mapped once.
    void map(ObjectId vspace, Word vaddr, ObjectId frame, Rights rights = read_write, bool cached = true,
             bool executable = false);
    // The frame mapped at the page of vaddr.
    std::optional<ObjectId> mapping(ObjectId vspace, Word vaddr) const;

    // --- Threads
    // A TCB starting at ip with a stack and an IPC buffer of fresh frames, in a new or the given
    // CSpace and VSpace (caps in the TCB's fixed slots); map refuses the stack's guard page
    // later. Objects are named "<name>_tcb", "<name>_cspace", "<name>_vspace",
    // "<name>_stack_<address>", "<name>_ipc_buffer". After a BuildError from thread or
    // thread_from_elf, the objects made before it remain; the other calls change nothing when
    // they fail.
    Thread thread(const std::string &name, const ThreadOptions &options, Word ip);
    // thread() starting at an ELF file's entry, its PT_LOAD segments mapped page by page
    // ("<name>_elf_<address>"): read-only, writable with PF_W, executable with PF_X; the bytes
    // the file holds filled from `fill_name` (the file's name in the fill directory), the rest
    // zero. Segments sharing a page share its frame, with the union of their rights.
    Thread thread_from_elf(const std::string &name, const std::string &elf_path, const std::string &fill_name,
                           const ThreadOptions &options = {});

    // The domain schedule (entries in the kernel's ticks or in µs), its start index and index shift.
    void domain_schedule(std::vector<DomainSchedEntry> entries, std::optional<Word> start = std::nullopt,
                         std::optional<Word> index_shift = std::nullopt);

    // --- Untyped covers: the objects made between begin_cover and end_cover are retyped from
    // `parent` (an Untyped) rather than the BootInfo's untypeds. Every other object comes first.
    void begin_cover(ObjectId parent);
    void end_cover();

    // The spec, validated against the kernel; its problems are a BuildError.
    Spec finish() const;

private:
    struct Guard {
        Range<Word> pages;
        std::string what;
    };

    std::string describe(ObjectId id) const;
    void check_vspace(ObjectId vspace) const;
    std::uint32_t index_at(Word vaddr, unsigned level) const; // of vaddr's entry in a table at `level`
    const Cap *entry(ObjectId table, std::uint32_t index) const;
    void reserve_guard(ObjectId vspace, Word page, std::string what);

    KernelConfig kernel_;
    Spec spec_;
    std::map<std::string, ObjectId, std::less<>> names_;
    std::map<ObjectId, std::vector<Guard>> guards_; // by VSpace
    std::optional<UntypedCover> open_cover_;
};

template <class T> T &Builder::get(ObjectId id) { return const_cast<T &>(static_cast<const Builder &>(*this).get<T>(id)); }
template <class T> const T &Builder::get(ObjectId id) const {
    if (id >= spec_.objects.size()) throw BuildError("no object " + std::to_string(id));
    const T *object = std::get_if<T>(&spec_.objects[id].object);
    if (object == nullptr) {
        throw BuildError(describe(id) + " is a " + std::string(kind_name(spec_.objects[id].object)) + ", not a " +
                         std::string(object_kind_names[kind_index<T>]));
    }
    return *object;
}

} // namespace sel4::capdl
