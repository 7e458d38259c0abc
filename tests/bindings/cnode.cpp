// bindings.cnode: copy, mint with badges, move, mutate, delete and revoke, through
// absolute CPtrs, checked by the kernel's view of each slot and by notification badges.
#include "env.hpp"

using namespace bindings_test;

namespace {

std::uint32_t identify(Word slot) { return sel4::sys::debug_cap_identify(slot); }

} // namespace

void test_main(const test_support::BootInfoHead *head) {
    Env env(head);
    const auto root = sel4::init::cnode;
    const auto at = [&](Word slot) { return root.absolute(slot, sel4::gen::WordBits); };

    const auto notification = env.make<sel4::obj::Notification>(sel4::ObjectBlueprint::notification());
    const std::uint32_t notification_type = identify(notification.cptr());
    CHECK(notification_type != 0);

    // Copy.
    const Word copy = env.alloc_slot();
    CHECK(identify(copy) == 0);
    OK(at(copy).copy(root.absolute(notification), sel4::rights::all));
    CHECK(identify(copy) == notification_type);
    EXPECT_ERROR(at(copy).copy(root.absolute(notification), sel4::rights::all), sel4::Error::DeleteFirst);

    // Mint with badges: signals through badged capabilities OR their badges together.
    const Word badged5 = env.alloc_slot(), badged30 = env.alloc_slot();
    OK(at(badged5).mint(root.absolute(notification), sel4::rights::all, 0x5));
    OK(at(badged30).mint(root.absolute(notification), sel4::rights::all, 0x30));
    CHECK(notification.poll() == 0);
    sel4::cap::Notification(badged5).signal();
    CHECK(notification.poll() == 0x5);
    sel4::cap::Notification(badged5).signal();
    sel4::cap::Notification(badged30).signal();
    CHECK(notification.wait() == 0x35);
    // A badged capability cannot be badged again; its copies keep its badge.
    const Word reminted = env.alloc_slot();
    EXPECT_ERROR(at(reminted).mint(at(badged5), sel4::rights::all, 0x7), sel4::Error::IllegalOperation);
    OK(at(reminted).copy(at(badged5), sel4::rights::all));
    sel4::cap::Notification(reminted).signal();
    CHECK(notification.wait() == 0x5);

    // Move: the source slot becomes empty.
    const Word moved = env.alloc_slot();
    OK(at(moved).move(at(copy)));
    CHECK(identify(copy) == 0 && identify(moved) == notification_type);
    EXPECT_ERROR(at(env.alloc_slot()).move(at(copy)), sel4::Error::FailedLookup);

    // Mutate: move, setting a CNode capability's guard. Through the mutated capability
    // a slot is reached only with the guard's bits in front of its index.
    const auto cnode = env.make<sel4::obj::CNode>(sel4::ObjectBlueprint::cnode(4));
    const Word guarded = env.alloc_slot();
    OK(at(guarded).mutate(root.absolute(cnode), sel4::gen::seL4_CNode_CapData(0x5, 4).words[0]));
    CHECK(identify(cnode.cptr()) == 0 && identify(guarded) != 0);
    const sel4::cap::CNode guarded_cnode(guarded);
    OK(guarded_cnode.absolute((0x5 << 4) | 3, 8).copy(root.absolute(notification), sel4::rights::all));
    EXPECT_ERROR(guarded_cnode.absolute((0x6 << 4) | 4, 8).copy(root.absolute(notification), sel4::rights::all),
                 sel4::Error::FailedLookup);
    // Endpoint and notification badges cannot be changed by mutate.
    const Word mutated = env.alloc_slot();
    EXPECT_ERROR(at(mutated).mutate(at(moved), 0x100), sel4::Error::IllegalOperation);
    OK(at(mutated).move(at(moved)));

    // Delete.
    OK(at(mutated).delete_());
    CHECK(identify(mutated) == 0);

    // Revoke: every capability derived from the original goes; the original stays.
    const Word derived = env.alloc_slot();
    OK(at(derived).copy(root.absolute(notification), sel4::rights::read_write));
    OK(root.absolute(notification).revoke());
    CHECK(identify(derived) == 0 && identify(badged5) == 0 && identify(badged30) == 0 && identify(reminted) == 0);
    CHECK(identify(notification.cptr()) == notification_type);

    // The same operations through an explicit IPC buffer reach the same code.
    const Word again = env.alloc_slot();
    OK(root.with(env.boot_info().ipc_buffer()).absolute(again, sel4::gen::WordBits).copy(root.absolute(notification),
                                                                                          sel4::rights::all));
    CHECK(identify(again) == notification_type);
    test_support::pass();
}
