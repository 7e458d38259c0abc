// Runs one invocation through libsel4's C stub (wrapped by the generated C file) and through
// the generated C++ stub with the same inputs, IPC buffer and scripted reply, and expects the
// same call (destination, info, register words), the same IPC buffer afterwards, the same
// error and, on success, the same outputs.
#pragma once

#include "test_cap.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstddef>
#include <random>
#include <vector>

extern "C" {
// Defined in the generated C file: load libsel4's IPC buffer and scripted reply; read back the
// IPC buffer and what the fake seL4_CallWithMRs was given.
void cref_begin(const sel4::Word *ipc_words, sel4::Word reply_info, const sel4::Word *reply_mrs);
void cref_end(sel4::Word *ipc_words, sel4::Word *dest, sel4::Word *info, sel4::Word *mrs);
}

namespace harness {

using sel4::Word;

constexpr std::size_t ipc_words = sizeof(sel4::IpcBuffer) / sizeof(Word);
static_assert(ipc_words == 128);
using IpcWords = std::array<Word, ipc_words>;
using OutWords = std::array<Word, 128>;

// A stub wrapped to take its inputs as words (in[0] is the invoked cap) and to store its
// outputs as words; returns the error.
using Wrapped = int (*)(const Word *in, Word *out);

struct Outcome {
    int error = 0;
    sel4::test::Call call;
    IpcWords ipc{};
    OutWords out{};
};

// `count_input`: the index in `in` of a register count, kept in 0..count_max as libsel4 needs.
inline void check_against_libsel4(unsigned seed, std::size_t in_words, int count_input, Word count_max,
                                  Wrapped libsel4, Wrapped generated) {
    std::mt19937_64 rng(seed);
    auto random_words = [&](auto &words) {
        for (Word &word : words)
            word = rng();
    };
    for (int round = 0; round < 200; ++round) {
        SCOPED_TRACE(::testing::Message() << "round " << round);
        std::vector<Word> in(in_words);
        random_words(in);
        if (count_input >= 0)
            in[count_input] = rng() % (count_max + 1);
        IpcWords ipc_before;
        OutWords out_before;
        std::array<Word, 4> reply_mrs;
        random_words(ipc_before);
        random_words(out_before);
        random_words(reply_mrs);
        const Word label = round % 2 == 0 ? 0 : 1 + rng() % 10;
        const Word reply_info = (label << 12) | (rng() & 0xfff);

        Outcome c;
        c.out = out_before;
        cref_begin(ipc_before.data(), reply_info, reply_mrs.data());
        c.error = libsel4(in.data(), c.out.data());
        cref_end(c.ipc.data(), &c.call.dest, &c.call.info, c.call.mrs.data());

        Outcome cpp;
        cpp.out = out_before;
        sel4::test::ipc_buffer = std::bit_cast<sel4::IpcBuffer>(ipc_before);
        sel4::test::reply_info = reply_info;
        sel4::test::reply_mrs = reply_mrs;
        cpp.error = generated(in.data(), cpp.out.data());
        cpp.call = sel4::test::last_call;
        cpp.ipc = std::bit_cast<IpcWords>(sel4::test::ipc_buffer);

        ASSERT_EQ(cpp.error, c.error);
        ASSERT_EQ(cpp.error, static_cast<int>(label));
        EXPECT_EQ(cpp.call.dest, c.call.dest);
        EXPECT_EQ(cpp.call.info, c.call.info) << "label, extra caps and length";
        EXPECT_EQ(cpp.call.mrs, c.call.mrs) << "message words in registers";
        EXPECT_EQ(cpp.ipc, c.ipc) << "IPC buffer: message words, caps";
        if (c.error == 0) {
            EXPECT_EQ(cpp.out, c.out) << "outputs";
        }
    }
}

// Struct values to and from words, as the wrappers pass them.
template <class T> T from_words(const Word *words) {
    std::array<Word, sizeof(T) / sizeof(Word)> array;
    std::copy(words, words + array.size(), array.begin());
    return std::bit_cast<T>(array);
}

template <class T> void to_words(const T &value, Word *words) {
    const auto array = std::bit_cast<std::array<Word, sizeof(T) / sizeof(Word)>>(value);
    std::copy(array.begin(), array.end(), words);
}

} // namespace harness
