// bindings.untyped: Untyped::retype makes every object type the configuration has, and
// reports errors as values.
#include "env.hpp"

using namespace bindings_test;
using sel4::ObjectBlueprint;

namespace {

struct Kind {
    const char *name;
    ObjectBlueprint blueprint;
};

Word largest_untyped_bits(const sel4::BootInfo &bi) {
    Word bits = 0;
    for (const sel4::UntypedDesc &desc : bi.untyped_list())
        if (!desc.is_device && desc.size_bits > bits)
            bits = desc.size_bits;
    return bits;
}

} // namespace

void test_main(const test_support::BootInfoHead *head) {
    Env env(head);
    const Word largest = largest_untyped_bits(env.boot_info());
    sel4::debug::println("untypeds: {}, the largest 2^{} bytes", env.boot_info().untyped().size(), largest);

    const Kind common[] = {
        {"untyped", ObjectBlueprint::untyped(sel4::gen::MinUntypedBits + 8)},
        {"tcb", ObjectBlueprint::tcb()},
        {"endpoint", ObjectBlueprint::endpoint()},
        {"notification", ObjectBlueprint::notification()},
        {"cnode", ObjectBlueprint::cnode(4)},
#if CPP_SEL4_CONFIG_KERNEL_MCS
        {"reply", ObjectBlueprint::reply()},
        {"sched context", ObjectBlueprint::sched_context(sel4::gen::MinSchedContextBits)},
#endif
    };
    std::uint32_t seen_types[16] = {};
    Word made = 0;
    for (const Kind &kind : common) {
        const Word slot = env.make(kind.blueprint);
        const std::uint32_t type = sel4::sys::debug_cap_identify(slot);
        sel4::debug::println("  {}: slot {}, 2^{} bytes, kernel cap type {}", kind.name, slot,
                             kind.blueprint.physical_size_bits(), type);
        CHECK(type != 0);
        for (Word i = 0; i < made; ++i)
            CHECK(seen_types[i] != type); // each kind is a different kind of capability
        seen_types[made++] = type;
    }
    for (const auto &object : sel4::arch::objects) {
        const ObjectBlueprint blueprint = ObjectBlueprint::arch(object.object);
        if (blueprint.physical_size_bits() > largest) {
            sel4::debug::println("  {}: needs 2^{} bytes, more than the largest untyped; not made", object.name,
                                 blueprint.physical_size_bits());
            continue;
        }
        const Word slot = env.make(blueprint);
        const std::uint32_t type = sel4::sys::debug_cap_identify(slot);
        sel4::debug::println("  {}: slot {}, 2^{} bytes, kernel cap type {}", object.name, slot,
                             blueprint.physical_size_bits(), type);
        CHECK(type != 0);
    }

    // Several objects at once, into consecutive slots of the root CNode (the CNode at depth 0
    // from itself).
    const sel4::cap::Untyped untyped = env.make<sel4::obj::Untyped>(ObjectBlueprint::untyped(16));
    const sel4::AbsoluteCPtr root = sel4::init::cnode.absolute_self();
    CHECK(root.root() == sel4::init::cnode && root.depth() == 0);
    const Word first = env.alloc_slot();
    for (int i = 1; i < 4; ++i)
        env.alloc_slot();
    OK(untyped.retype(ObjectBlueprint::endpoint(), root, first, 4));
    for (Word slot = first; slot < first + 4; ++slot)
        CHECK(sel4::sys::debug_cap_identify(slot) == sel4::sys::debug_cap_identify(first));

    // Errors come back as values.
    EXPECT_ERROR(untyped.retype(ObjectBlueprint::endpoint(), root, first, 1), sel4::Error::DeleteFirst);
    const ObjectBlueprint no_such_type{static_cast<sel4::gen::ObjectType>(sel4::gen::ObjectTypeCount + 7)};
    EXPECT_ERROR(untyped.retype(no_such_type, root, env.alloc_slot(), 1), sel4::Error::InvalidArgument);
    EXPECT_ERROR(untyped.retype(ObjectBlueprint::untyped(17), root, env.alloc_slot(), 1), sel4::Error::NotEnoughMemory);
    EXPECT_ERROR(sel4::cap::Untyped(env.alloc_slot()).retype(ObjectBlueprint::tcb(), root, env.alloc_slot(), 1),
                 sel4::Error::InvalidCapability);
    // The destination CNode named through a path from the root: a CNode's own slot.
    const auto cnode = env.make<sel4::obj::CNode>(ObjectBlueprint::cnode(2));
    OK(untyped.retype(ObjectBlueprint::notification(), sel4::init::cnode.absolute(cnode), 3, 1));
    EXPECT_ERROR(untyped.retype(ObjectBlueprint::notification(), sel4::init::cnode.absolute(cnode), 3, 1),
                 sel4::Error::DeleteFirst);
    EXPECT_ERROR(untyped.retype(ObjectBlueprint::notification(), sel4::init::cnode.absolute(cnode), 4, 1),
                 sel4::Error::RangeError); // a CNode of 4 slots

    // The BootInfo view: on arm and riscv the kernel passes the device tree on.
    const auto fdt = env.boot_info().fdt();
#if defined(__x86_64__)
    CHECK(!fdt); // x86 boots without one
#else
    CHECK(fdt && fdt->size() > 4);
    const auto *bytes = reinterpret_cast<const unsigned char *>(fdt->data());
    sel4::debug::println("device tree in the extra BootInfo: {} bytes", fdt->size());
    CHECK(bytes[0] == 0xd0 && bytes[1] == 0x0d && bytes[2] == 0xfe && bytes[3] == 0xed);
#endif
    test_support::pass();
}
