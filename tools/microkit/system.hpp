// A Microkit system as a CapDL spec, laid out as Microkit 2.3 lays it out, so that
// libmicrokit's (and sel4::microkit's) slots, badges and patched symbols hold:
//   - each PD: a root CNode of 2^6 slots (guard 0) whose slot 0 holds the Microkit CNode of
//     2^9 slots (guard 49: small CPtrs name its slots; cap slot n of <cspace> is n << 58), a
//     VSpace with the (patched) ELF, the stack under the IPC buffer (the top user page, a guard
//     page between), a scheduling context (badge 0x100 + the PD's index), a reply object, a
//     notification bound to the TCB, an endpoint when something can call it;
//   - the monitor: the fault handler of the PDs without a parent, with their TCBs.
// The PD ELFs and the monitor are patched in copies, written to the work directory, which is
// the spec's fill directory.
#pragma once

#include "sdf.hpp"

#include <sel4/capdl/builder.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sel4::microkit {

using Word = std::uint64_t;

// The Microkit CNode's slots (libmicrokit's constants; a channel, IRQ, child or vCPU id is
// added to the base).
namespace pd_slot {
inline constexpr std::uint32_t input = 1, fault_ep = 2, vspace = 3, reply = 4, monitor_ep = 5, arm_smc = 7,
                               output_notification = 10, endpoint = 74, irq = 138, child_tcb = 202, vm_tcb = 266,
                               vcpu = 330, ioport = 394;
inline constexpr std::uint8_t root_bits = 6, microkit_bits = 9;
} // namespace pd_slot

// The monitor's CNode (2^9 slots): see programs/microkit-monitor.
namespace monitor_slot {
inline constexpr std::uint32_t endpoint = 1, reply = 2, tcb = 3, pd_tcb = 10, vm_tcb = 74, pd_sc = 138,
                               pd_notification = 202;
inline constexpr std::uint8_t bits = 9;
} // namespace monitor_slot

// Badges (libmicrokit's event loop decodes them).
inline constexpr Word ppc_badge = Word{1} << 63, fault_badge = Word{1} << 62, sc_badge_base = 0x100;

struct BuildInputs {
    const sdf::SystemDescription *system = nullptr;
    sdf::Target target;
    capdl::KernelConfig kernel;
    std::string monitor_elf;
    std::string work_dir;                      // patched ELFs and prefill copies: the spec's fill directory
    std::vector<std::pair<Word, Word>> ram;    // RAM [start, end): where MRs whose address the tool picks go
};

// What the report tells of a PD.
struct PdInfo {
    std::string name;
    std::string program_image;
    Word entry = 0, ipc_buffer = 0, stack_top = 0, stack_bottom = 0;
    std::vector<std::pair<std::string, std::string>> symbols; // patched: name, value as written
};

struct BuiltSystem {
    capdl::Spec spec;
    std::vector<PdInfo> pds;
    std::vector<std::pair<std::string, Word>> chosen_paddrs; // MR name, the address the tool picked
};

// An input the system cannot be built from (a symbol missing from an ELF, an address space
// that is full, ...): the message names the PD, file and what is wrong.
struct BuildError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

BuiltSystem build_system(const BuildInputs &inputs);

} // namespace sel4::microkit
