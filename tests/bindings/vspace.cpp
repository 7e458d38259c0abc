// bindings.vspace: map a new frame at an address no paging structure covers yet,
// making each missing level as the kernel reports it; write and read through the
// mapping; unmap, map the same frame elsewhere, read-only and with other attributes, and
// find the data again; unmap.
#include "env.hpp"
#include "paging.hpp"

using namespace bindings_test;

namespace {

// Maps `page` at `vaddr`, making paging structures while the kernel reports a missing
// level; returns how many it made.
int map_with_structures(Env &env, sel4::cap::Page page, sel4::cap::VSpace vspace, Word vaddr, sel4::CapRights rights,
                        sel4::VmAttributes attributes) {
    int made = 0;
    for (;;) {
        auto result = page.map(vspace, vaddr, rights, attributes);
        if (result)
            return made;
        CHECK(result.error() == sel4::Error::FailedLookup);
        CHECK(made < 8);
        // The lowest missing level is the first structure that maps.
        bool mapped = false;
        for (sel4::arch::Object object : paging::intermediate) {
            const Word structure = env.make(sel4::ObjectBlueprint::arch(object));
            auto structure_result = paging::map(object, structure, vspace, vaddr);
            sel4::debug::println("  map {} at {:#x}: {}", sel4::arch::find(sel4::arch::objects, object).name, vaddr,
                                 structure_result ? "mapped" : error_name(structure_result.error()));
            if (structure_result) {
                mapped = true;
                ++made;
                break;
            }
            CHECK(structure_result.error() == sel4::Error::FailedLookup);
        }
        CHECK(mapped);
    }
}

} // namespace

void test_main(const test_support::BootInfoHead *head) {
    Env env(head);
    const sel4::cap::VSpace vspace = sel4::init::vspace;
    const auto page = env.make<sel4::obj::Page>(sel4::ObjectBlueprint::page());

    const Word vaddr = paging::free_address;
    const int made =
        map_with_structures(env, page, vspace, vaddr, sel4::CapRights::read_write(), sel4::VmAttributes::Default);
    sel4::debug::println("mapped a page at {:#x} after making {} paging structures", vaddr, made);
    CHECK(made >= 1);

    volatile Word *words = reinterpret_cast<volatile Word *>(vaddr);
    const Word words_per_page = (Word{1} << sel4::gen::PageBits) / sizeof(Word);
    for (Word i = 0; i < words_per_page; ++i)
        words[i] = i * 0x9e3779b97f4a7c15u;
    for (Word i = 0; i < words_per_page; ++i)
        CHECK(words[i] == i * 0x9e3779b97f4a7c15u);

    // Mapping twice is refused; after unmapping, the frame maps elsewhere with its data.
    EXPECT_ERROR(page.map(vspace, vaddr + (Word{1} << sel4::gen::PageBits), sel4::CapRights::read_write(),
                          sel4::VmAttributes::Default),
                 sel4::Error::InvalidArgument);
    OK(page.unmap());
    const Word second = vaddr + 2 * (Word{1} << sel4::gen::PageBits);
    // Same page table: nothing to make.
    CHECK(map_with_structures(env, page, vspace, second, sel4::CapRights::read(), paging::data_attributes) == 0);
    volatile Word *again = reinterpret_cast<volatile Word *>(second);
    for (Word i = 0; i < words_per_page; ++i)
        CHECK(again[i] == i * 0x9e3779b97f4a7c15u);
    OK(page.unmap());
    test_support::pass();
}
