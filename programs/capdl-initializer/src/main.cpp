// The CapDL initializer's entry: finds the spec that `sel4-capdl add-spec` attached (through
// the variable it patched), builds the system, reports what that took, and suspends itself.
#include "initializer.hpp"

#include <sel4/runtime/arch/counter.hpp>
#include <sel4/runtime/root_task.hpp>

#include <cstring>

// Patched by add-spec: in .data (initialised, so that the file holds its bytes).
extern "C" {
[[gnu::used]] volatile sel4::capdl::binary::Location sel4_capdl_spec_location = {
    {'N', 'O', ' ', 'S', 'P', 'E', 'C', '!'}, 0, 0, 0, 0, 0};
}

SEL4_ROOT_TASK_STACK_SIZE(64 * 1024)

namespace capdl_initializer {

void fail(std::string_view message) noexcept { sel4_runtime::fatal("capdl-initializer: ", message); }

} // namespace capdl_initializer

namespace {

int initialize(const sel4::BootInfo &boot_info) {
    const std::uint64_t start = sel4_runtime::arch::counter();
    sel4::capdl::binary::Location location;
    for (std::size_t n = 0; n < sizeof location; ++n) // a byte at a time: the variable is volatile
        reinterpret_cast<char *>(&location)[n] = reinterpret_cast<const volatile char *>(&sel4_capdl_spec_location)[n];
    if (std::memcmp(location.magic, sel4::capdl::binary::magic, sizeof location.magic) != 0)
        capdl_initializer::fail("no spec is attached to this initializer: attach one with `sel4-capdl add-spec`");
    const capdl_initializer::Attached attached{reinterpret_cast<const std::byte *>(location.spec_vaddr), location.spec_size,
                                               location.image_start, location.frames_vaddr, location.frames_count};
    const capdl_initializer::Statistics stats = capdl_initializer::initialize(boot_info, attached);
    const std::uint64_t end = sel4_runtime::arch::counter();
    if (stats.log_level >= 3)
        sel4::debug::println("capdl-initializer: started {} threads ({} objects, {} system calls, {} counter ticks at {} Hz)",
                             stats.threads, stats.objects, stats.system_calls, end - start,
                             sel4_runtime::arch::counter_frequency(boot_info));
    sel4::init::tcb.suspend();
    sel4_runtime::fatal("the initializer's thread did not suspend");
}

} // namespace

SEL4_ROOT_TASK_MAIN(initialize)
