// bindings.cnode: copy (with rights that the kernel then enforces), mint with badges, move,
// mutate with a guard, delete and revoke, through relative and absolute CPtrs, checked by
// the kernel's view of each slot and by notification badges.
#include "env.hpp"

using namespace bindings_test;
using sel4::Badge;
using sel4::CapRights;
using sel4::RelativeCPtr;

namespace {

std::uint32_t identify(Word slot) { return sel4::sys::debug_cap_identify(slot); }

// The rights' named constructors and builders.
static_assert(CapRights::read().with_write() == CapRights::read_write());
static_assert(CapRights::read_write().with_grant().with_grant_reply() == CapRights::all());
static_assert(CapRights::none().with_grant().can_grant() && !CapRights::none().with_grant().can_read());
static_assert(CapRights::write().can_write() && !CapRights::write().can_read() && !CapRights::write().can_grant_reply());
static_assert(CapRights::none().with_grant_reply().can_grant_reply() && CapRights::write().with_read().can_read());
static_assert(CapRights::all().raw() == sel4::gen::seL4_CapRights(1, 1, 1, 1));
// A capability's path: every bit of its CPtr.
static_assert(RelativeCPtr(sel4::cap::Notification(9)) == RelativeCPtr(9, sel4::gen::WordBits));
static_assert(RelativeCPtr(9) == RelativeCPtr(9, 64) && RelativeCPtr(9, 3).depth() == 3);

} // namespace

void test_main(const test_support::BootInfoHead *head) {
    Env env(head);
    const auto root = sel4::init::cnode;

    const auto notification = env.make<sel4::obj::Notification>(sel4::ObjectBlueprint::notification());
    const std::uint32_t notification_type = identify(notification.cptr());
    CHECK(notification_type != 0);

    // Copy.
    const Word copy = env.alloc_slot();
    CHECK(identify(copy) == 0);
    OK(root.copy(RelativeCPtr(copy), root.absolute(notification), CapRights::all()));
    CHECK(identify(copy) == notification_type);
    EXPECT_ERROR(root.copy(RelativeCPtr(copy), root.absolute(notification), CapRights::all()), sel4::Error::DeleteFirst);

    // Rights: a notification is signalled through a capability with write, not one with read only.
    const Word readable = env.alloc_slot(), writable = env.alloc_slot();
    OK(root.mint(RelativeCPtr(readable), root.absolute(notification), CapRights::read(), Badge(0x1)));
    OK(root.mint(RelativeCPtr(writable), root.absolute(notification), CapRights::write(), Badge(0x2)));
    sel4::cap::Notification(readable).signal(); // the kernel refuses it
    CHECK(notification.poll() == Badge());
    sel4::cap::Notification(writable).signal();
    CHECK(notification.poll() == Badge(0x2));

    // Mint with badges: signals through badged capabilities OR their badges together.
    const Word badged5 = env.alloc_slot(), badged30 = env.alloc_slot();
    OK(root.mint(RelativeCPtr(badged5), root.absolute(notification), CapRights::all(), Badge(0x5)));
    OK(root.mint(RelativeCPtr(badged30), root.absolute(notification), CapRights::all(), Badge(0x30)));
    CHECK(notification.poll() == Badge());
    sel4::cap::Notification(badged5).signal();
    CHECK(notification.poll() == Badge(0x5));
    sel4::cap::Notification(badged5).signal();
    sel4::cap::Notification(badged30).signal();
    CHECK(notification.wait() == (Badge(0x5) | Badge(0x30)));
    // A badged capability cannot be badged again; its copies keep its badge.
    const Word reminted = env.alloc_slot();
    EXPECT_ERROR(root.mint(RelativeCPtr(reminted), root.absolute(RelativeCPtr(badged5)), CapRights::all(), Badge(0x7)),
                 sel4::Error::IllegalOperation);
    OK(root.copy(RelativeCPtr(reminted), root.absolute(RelativeCPtr(badged5)), CapRights::all()));
    sel4::cap::Notification(reminted).signal();
    CHECK(notification.wait() == Badge(0x5));

    // Move: the source slot becomes empty.
    const Word moved = env.alloc_slot();
    OK(root.move(RelativeCPtr(moved), root.absolute(RelativeCPtr(copy))));
    CHECK(identify(copy) == 0 && identify(moved) == notification_type);
    EXPECT_ERROR(root.move(RelativeCPtr(env.alloc_slot()), root.absolute(RelativeCPtr(copy))), sel4::Error::FailedLookup);

    // Mutate: move, setting a CNode capability's guard. Through the mutated capability
    // a slot is reached only with the guard's bits in front of its index.
    const auto cnode = env.make<sel4::obj::CNode>(sel4::ObjectBlueprint::cnode(4));
    const Word guarded = env.alloc_slot();
    OK(root.mutate(RelativeCPtr(guarded), root.absolute(cnode), sel4::CNodeCapData(0x5, 4)));
    CHECK(identify(cnode.cptr()) == 0 && identify(guarded) != 0);
    const sel4::cap::CNode guarded_cnode(guarded);
    OK(guarded_cnode.copy({(0x5 << 4) | 3, 8}, root.absolute(notification), CapRights::all()));
    EXPECT_ERROR(guarded_cnode.copy({(0x6 << 4) | 4, 8}, root.absolute(notification), CapRights::all()),
                 sel4::Error::FailedLookup);
    // Endpoint and notification badges cannot be changed by mutate.
    const Word mutated = env.alloc_slot();
    EXPECT_ERROR(root.mutate(RelativeCPtr(mutated), root.absolute(RelativeCPtr(moved)), Badge(0x100)),
                 sel4::Error::IllegalOperation);
    OK(root.move(RelativeCPtr(mutated), root.absolute(RelativeCPtr(moved))));

    // Delete.
    OK(root.delete_(RelativeCPtr(mutated)));
    CHECK(identify(mutated) == 0);

    // Revoke: every capability derived from the original goes; the original stays.
    const Word derived = env.alloc_slot();
    OK(root.copy(RelativeCPtr(derived), root.absolute(notification), CapRights::read_write()));
    OK(root.revoke(notification));
    CHECK(identify(derived) == 0 && identify(badged5) == 0 && identify(badged30) == 0 && identify(reminted) == 0);
    CHECK(identify(notification.cptr()) == notification_type);

    // The same operations through an explicit IPC buffer reach the same code.
    const Word again = env.alloc_slot();
    OK(root.with(env.boot_info().ipc_buffer()).copy(RelativeCPtr(again), root.absolute(notification), CapRights::all()));
    CHECK(identify(again) == notification_type);
    test_support::pass();
}
