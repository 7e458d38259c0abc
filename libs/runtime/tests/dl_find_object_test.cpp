// The runtime's _dl_find_object against glibc's, for this (non-PIE) test program: the
// same unwind table for pcs in the program, and no answer for a pc outside it.
#include <gtest/gtest.h>

#include <dlfcn.h>


extern "C" int cpp_sel4__dl_find_object(void *pc, dl_find_object *result);

namespace {

[[gnu::noinline]] void *a_pc_in_the_program() { return __builtin_return_address(0); }

TEST(DlFindObject, FindsTheProgramsUnwindTableAsGlibcDoes) {
    void *pcs[] = {a_pc_in_the_program(), reinterpret_cast<void *>(&a_pc_in_the_program),
                   reinterpret_cast<void *>(&cpp_sel4__dl_find_object)};
    for (void *pc : pcs) {
        dl_find_object ours{}, glibc{};
        ASSERT_EQ(cpp_sel4__dl_find_object(pc, &ours), 0);
        ASSERT_EQ(_dl_find_object(pc, &glibc), 0);
        EXPECT_EQ(ours.dlfo_eh_frame, glibc.dlfo_eh_frame);
        EXPECT_LE(ours.dlfo_map_start, pc);
        EXPECT_GT(ours.dlfo_map_end, pc);
        // glibc's map is the same loaded range (it may round to pages).
        EXPECT_LE(glibc.dlfo_map_start, ours.dlfo_map_start);
        EXPECT_GE(glibc.dlfo_map_end, ours.dlfo_map_end);
    }
}

TEST(DlFindObject, AnswersNothingOutsideTheProgram) {
    dl_find_object ours{}, glibc{};
    int on_the_stack = 0;
    EXPECT_EQ(cpp_sel4__dl_find_object(&on_the_stack, &ours), -1);
    EXPECT_EQ(_dl_find_object(&on_the_stack, &glibc), -1);
    EXPECT_EQ(cpp_sel4__dl_find_object(nullptr, &ours), -1);
}

} // namespace
