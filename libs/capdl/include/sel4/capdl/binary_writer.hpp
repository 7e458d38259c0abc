// Writing the serialized spec (sel4/capdl/binary.hpp) on the host, from a validated spec and
// what `sel4-capdl add-spec` made of its frames' contents. Host only.
#pragma once

#include <sel4/capdl/binary.hpp>
#include <sel4/capdl/spec.hpp>
#include <sel4/capdl/validate.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace sel4::capdl::binary {

// The bytes of one FileData fill entry, as they go into the spec.
struct FillData {
    std::vector<std::uint8_t> bytes;
    bool deflated = false; // a zlib stream (zlib's compress2) that inflates to the entry's range
};

// The frames' contents, by object id.
struct Contents {
    // The page of the initializer's frame segment that holds the frame, for embedded frames.
    std::vector<std::optional<std::uint32_t>> embedded_page;
    // For each FileData entry of the frame's fill, in order, its bytes (BootInfo entries have
    // none). Empty for embedded frames.
    std::vector<std::vector<FillData>> fill_data;
};

// Which objects keep their names in the spec (for messages and the threads' debug names).
enum class Names { none, tcbs, all };

struct WriteOptions {
    Names names = Names::all;
    std::uint8_t log_level = 3; // 0 none .. 5 trace; the initializer prints at this level and below
};

// What the initializer needs of the root CNode besides its own image: the slots of the
// objects it makes and of the frame caps it copies for second mappings (the Header's counts).
struct SlotNeeds {
    std::uint32_t orig_slots = 0;
    std::uint32_t copy_slots = 0;
};

// The order in which the initializer creates the objects it retypes, and so their slots: the
// root objects with a paddr by address, then the other root objects by size, largest first,
// then kind (so that objects of one kind and size are adjacent: one Untyped_Retype each run),
// then the untyped covers' children, cover by cover. Embedded frames, IRQ objects, IOPorts,
// ArmSmc and DomainSet are not retyped and are not in it.
std::vector<ObjectId> creation_order(const Spec &spec, const KernelConfig &kernel, const Contents &contents);

// The serialized spec. `spec` must be valid for `kernel` (validate()).
std::vector<std::uint8_t> write(const Spec &spec, const KernelConfig &kernel, const Contents &contents,
                                const WriteOptions &options);

// The slots a spec's initializer needs (as write() counts them into the header).
SlotNeeds slot_needs(const Spec &spec, const KernelConfig &kernel, const Contents &contents);

// The fewest system calls that build a spec of this shape (bench/capdl.sh compares the
// initializer's count with it): one Untyped_Retype per run of objects of one type and size
// in the creation order (at most 256 each), two per ASID pool, one per IRQ handler and I/O
// port range and per notification an IRQ signals, one ASID assignment per VSpace, one
// invocation per cap in a CNode and per mapping, and for each TCB TCB_Configure,
// TCB_SetSchedParams, TCB_WriteRegisters, TCB_Resume (when it starts), one more per bound
// notification, VCPU or timeout endpoint, TCB_SetAffinity on a multicore non-MCS kernel; one
// SchedControl_ConfigureFlags per scheduling context.
std::uint64_t minimum_system_calls(const Spec &spec, const KernelConfig &kernel, const Contents &contents);

} // namespace sel4::capdl::binary
