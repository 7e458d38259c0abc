// The TLS block layouts of both variants: the data fits in the block, is aligned when the
// block is, and sits where each variant's thread-pointer-relative offsets expect it.
#include <sel4/runtime/tls.hpp>

#include <gtest/gtest.h>

namespace {

using sel4_runtime::tls::Layout;
using sel4_runtime::tls::layout;
using sel4_runtime::tls::Variant;

TEST(TlsLayout, VariantOneAarch64PutsTheDataAfterA16ByteControlBlock) {
    const Layout l = layout(Variant::One, 16, 100, 8);
    EXPECT_EQ(l.tp_offset, 0u);
    EXPECT_EQ(l.data_offset, 16u);
    EXPECT_EQ(l.size, 116u);
    const Layout wide = layout(Variant::One, 16, 100, 64);
    EXPECT_EQ(wide.data_offset, 64u); // the control block is padded up to the data's alignment
    EXPECT_EQ(wide.align, 64u);
}

TEST(TlsLayout, VariantOneRiscvPutsTheDataAtTheThreadPointer) {
    const Layout l = layout(Variant::One, 0, 40, 16);
    EXPECT_EQ(l.tp_offset, 0u);
    EXPECT_EQ(l.data_offset, 0u);
    EXPECT_EQ(l.size, 40u);
}

TEST(TlsLayout, VariantTwoEndsTheDataAtTheThreadPointerFollowedByItsSelfPointer) {
    const Layout l = layout(Variant::Two, 0, 100, 16);
    EXPECT_EQ(l.data_offset, 0u);
    EXPECT_EQ(l.tp_offset, 112u); // 100 rounded up to the alignment
    EXPECT_EQ(l.size, 112u + sizeof(std::uintptr_t));
}

TEST(TlsLayout, EveryLayoutKeepsTheDataInsideAndAligned) {
    for (Variant variant : {Variant::One, Variant::Two})
        for (std::size_t tcb : {0u, 16u})
            for (std::size_t align = 1; align <= 4096; align *= 2)
                for (std::size_t size : {0u, 1u, 7u, 8u, 100u, 4096u, 5000u}) {
                    const Layout l = layout(variant, tcb, size, align);
                    EXPECT_GE(l.align, align);
                    EXPECT_EQ(l.data_offset % align, 0u);
                    EXPECT_LE(l.data_offset + size, l.size);
                    EXPECT_EQ(l.tp_offset % alignof(std::uintptr_t), 0u);
                    if (variant == Variant::Two) // the data ends at the aligned thread pointer
                        EXPECT_EQ(l.tp_offset, sel4_runtime::tls::align_up(size, l.align));
                    else // the control block comes first
                        EXPECT_GE(l.data_offset, tcb);
                }
}

} // namespace
