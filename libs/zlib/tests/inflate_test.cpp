// sel4::zlib::inflate (zlib's inflate from Debian's source, Z_SOLO) against streams the host's
// zlib deflates, as the host tools deflate frame fill data.
#include <sel4/zlib/inflate.hpp>

#include <gtest/gtest.h>
#define ZLIB_CONST // the host zlib's input pointers as const
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using sel4::zlib::InflateError;
using sel4::zlib::InflateResult;
using sel4::zlib::Inflater;
using Bytes = std::vector<std::byte>;

Bytes deflate_with_host_zlib(const Bytes &data, int level = 9) {
    uLongf size = compressBound(data.size());
    Bytes out(size);
    const int status = compress2(reinterpret_cast<Bytef *>(out.data()), &size,
                                 reinterpret_cast<const Bytef *>(data.data()), data.size(), level);
    EXPECT_EQ(status, Z_OK);
    out.resize(size);
    return out;
}

Bytes random_bytes(std::size_t size, std::uint32_t seed) {
    std::mt19937 random(seed);
    Bytes bytes(size);
    for (auto &byte : bytes) {
        byte = static_cast<std::byte>(random());
    }
    return bytes;
}

Bytes text(std::size_t size) {
    std::string text;
    for (unsigned line = 0; text.size() < size; ++line) {
        text += "frame " + std::to_string(line) + ": the quick brown fox jumps over the lazy dog, " +
                std::to_string(line * 2654435761u % 1000003) + " bytes of fill data\n";
    }
    Bytes bytes(size);
    std::memcpy(bytes.data(), text.data(), size);
    return bytes;
}

// A heap copy, so that reading past either end trips the sanitizers and a stale byte from an
// earlier test cannot pass for output.
class InflateTest : public ::testing::Test {
protected:
    InflateResult inflate(const Bytes &in, Bytes &out) { return inflater->inflate(in, out); }
    std::unique_ptr<Inflater> inflater = std::make_unique<Inflater>();
};

void expect_round_trip(Inflater &inflater, const Bytes &data, int level = 9) {
    const Bytes deflated = deflate_with_host_zlib(data, level);
    Bytes out(data.size(), std::byte{0xa5});
    const InflateResult result = inflater.inflate(deflated, out);
    ASSERT_TRUE(result.ok()) << result.message;
    EXPECT_EQ(result.error, InflateError::none);
    EXPECT_STREQ(result.message, "ok");
    EXPECT_EQ(result.consumed, deflated.size());
    EXPECT_EQ(result.produced, data.size());
    EXPECT_TRUE(out == data);
}

TEST_F(InflateTest, RoundTripsZeros) {
    expect_round_trip(*inflater, Bytes(4096));
    expect_round_trip(*inflater, Bytes(2 << 20));
}

TEST_F(InflateTest, RoundTripsText) {
    expect_round_trip(*inflater, text(4096));
    expect_round_trip(*inflater, text(2 << 20));
}

TEST_F(InflateTest, RoundTripsRandomBytes) {
    expect_round_trip(*inflater, random_bytes(1, 1));
    expect_round_trip(*inflater, random_bytes(4096, 2));
    expect_round_trip(*inflater, random_bytes(2 << 20, 3));
}

TEST_F(InflateTest, RoundTripsSmallSizes) {
    expect_round_trip(*inflater, Bytes{});
    expect_round_trip(*inflater, Bytes{std::byte{0}});
    expect_round_trip(*inflater, Bytes{std::byte{0x42}});
    for (std::size_t size = 2; size < 300; size += 7) {
        expect_round_trip(*inflater, random_bytes(size, static_cast<std::uint32_t>(size)));
    }
}

TEST_F(InflateTest, RoundTripsMixedData) {
    // Structured and random runs, long matches across the whole 32 KiB window.
    Bytes data = text(100000);
    const Bytes noise = random_bytes(50000, 4);
    data.insert(data.end(), noise.begin(), noise.end());
    data.insert(data.end(), data.begin(), data.begin() + 70000);
    data.resize(data.size() + 30000);
    expect_round_trip(*inflater, data);
}

TEST_F(InflateTest, RoundTripsEveryLevel) {
    const Bytes data = text(70000);
    for (int level = 0; level <= 9; ++level) {
        SCOPED_TRACE(level);
        expect_round_trip(*inflater, data, level); // 0: stored blocks; 1-3: deflate_fast
    }
}

TEST_F(InflateTest, CallerWorkspace) {
    const Bytes data = text(50000);
    const Bytes deflated = deflate_with_host_zlib(data);
    // Any alignment: the allocator aligns each block itself.
    std::vector<std::byte> storage(sel4::zlib::inflate_workspace_size + 1);
    Bytes out(data.size());
    const InflateResult result =
        sel4::zlib::inflate(std::span(storage).subspan(1, sel4::zlib::inflate_workspace_size), deflated, out);
    ASSERT_TRUE(result.ok()) << result.message;
    EXPECT_TRUE(out == data);
}

TEST_F(InflateTest, TruncatedStream) {
    for (const Bytes &data : {text(4096), random_bytes(4096, 5), Bytes(1), Bytes{}}) {
        const Bytes deflated = deflate_with_host_zlib(data);
        Bytes out(data.size());
        for (std::size_t length = 0; length < deflated.size(); ++length) {
            SCOPED_TRACE(length);
            const Bytes prefix(deflated.begin(), deflated.begin() + static_cast<std::ptrdiff_t>(length));
            const InflateResult result = inflate(prefix, out);
            EXPECT_EQ(result.error, InflateError::truncated) << result.message;
            EXPECT_STREQ(result.message, "input ends before the stream");
            EXPECT_EQ(result.consumed, length);
            EXPECT_LE(result.produced, out.size());
        }
    }
}

TEST_F(InflateTest, TruncatedTrailerWithFullOutput) {
    // All data there, the output full, the Adler-32 trailer cut: truncated, not too small.
    const Bytes data = text(10000);
    Bytes deflated = deflate_with_host_zlib(data);
    deflated.resize(deflated.size() - 2);
    Bytes out(data.size());
    const InflateResult result = inflate(deflated, out);
    EXPECT_EQ(result.error, InflateError::truncated) << result.message;
    EXPECT_EQ(result.produced, data.size());
    EXPECT_TRUE(out == data);
}

TEST_F(InflateTest, OutputTooSmall) {
    for (const Bytes &data : {text(4096), random_bytes(4096, 6), Bytes(2 << 20), random_bytes(1, 7)}) {
        const Bytes deflated = deflate_with_host_zlib(data);
        for (std::size_t size : {std::size_t{0}, data.size() / 2, data.size() - 1}) {
            SCOPED_TRACE(size);
            Bytes out(size);
            const InflateResult result = inflate(deflated, out);
            EXPECT_EQ(result.error, InflateError::output_too_small) << result.message;
            EXPECT_STREQ(result.message, "stream is longer than the output buffer");
            EXPECT_EQ(result.produced, size);
            EXPECT_TRUE(std::equal(out.begin(), out.end(), data.begin()));
        }
    }
}

TEST_F(InflateTest, OutputTooLarge) {
    for (const Bytes &data : {text(4096), random_bytes(4096, 8), Bytes{}}) {
        const Bytes deflated = deflate_with_host_zlib(data);
        for (std::size_t extra : {1, 2, 4096}) {
            SCOPED_TRACE(extra);
            Bytes out(data.size() + extra);
            const InflateResult result = inflate(deflated, out);
            EXPECT_EQ(result.error, InflateError::output_too_large) << result.message;
            EXPECT_STREQ(result.message, "stream is shorter than the output buffer");
            EXPECT_EQ(result.produced, data.size());
            EXPECT_EQ(result.consumed, deflated.size());
            EXPECT_TRUE(std::equal(data.begin(), data.end(), out.begin()));
        }
    }
}

TEST_F(InflateTest, TrailingData) {
    const Bytes data = text(4096);
    Bytes deflated = deflate_with_host_zlib(data);
    const std::size_t stream_size = deflated.size();
    deflated.push_back(std::byte{0});
    Bytes out(data.size());
    const InflateResult result = inflate(deflated, out);
    EXPECT_EQ(result.error, InflateError::trailing_data) << result.message;
    EXPECT_EQ(result.consumed, stream_size);
    EXPECT_EQ(result.produced, data.size());
}

TEST_F(InflateTest, Garbage) {
    Bytes out(4096);
    for (std::uint32_t seed = 0; seed < 2000; ++seed) {
        const Bytes garbage = random_bytes(1 + seed % 300, seed + 100);
        const InflateResult result = inflate(garbage, out);
        EXPECT_FALSE(result.ok());
        EXPECT_NE(result.message, nullptr);
        EXPECT_LE(result.produced, out.size());
        EXPECT_LE(result.consumed, garbage.size());
    }
    // Zeros (a header that passes the check, of method 0), a gzip header (the check fails:
    // this build has no gzip decoding), a raw deflate stream without zlib's header.
    const Bytes zeros(64);
    InflateResult result = inflate(zeros, out);
    EXPECT_EQ(result.error, InflateError::corrupt);
    EXPECT_STREQ(result.message, "unknown compression method");
    const Bytes gzip{std::byte{0x1f}, std::byte{0x8b}, std::byte{8}, std::byte{0}, std::byte{0},
                     std::byte{0},    std::byte{0},    std::byte{0}, std::byte{0}, std::byte{3}};
    result = inflate(gzip, out);
    EXPECT_EQ(result.error, InflateError::corrupt);
    EXPECT_STREQ(result.message, "incorrect header check");
    Bytes raw = deflate_with_host_zlib(text(4096));
    raw.erase(raw.begin(), raw.begin() + 2);
    result = inflate(raw, out);
    EXPECT_EQ(result.error, InflateError::corrupt);
}

TEST_F(InflateTest, CorruptChecksum) {
    const Bytes data = text(4096);
    Bytes deflated = deflate_with_host_zlib(data);
    deflated.back() ^= std::byte{1};
    Bytes out(data.size());
    const InflateResult result = inflate(deflated, out);
    EXPECT_EQ(result.error, InflateError::corrupt);
    EXPECT_STREQ(result.message, "incorrect data check");
}

TEST_F(InflateTest, FlippedBytesNeverCrash) {
    std::mt19937 random(42);
    for (const Bytes &data : {text(4096), random_bytes(4096, 9), Bytes(65536), text(100000)}) {
        const Bytes deflated = deflate_with_host_zlib(data);
        Bytes out(data.size());
        for (int round = 0; round < 1500; ++round) {
            Bytes mutated = deflated;
            const int flips = 1 + static_cast<int>(random() % 4);
            for (int flip = 0; flip < flips; ++flip) {
                mutated[random() % mutated.size()] ^= static_cast<std::byte>(1 + random() % 255);
            }
            const InflateResult result = inflate(mutated, out);
            ASSERT_NE(result.message, nullptr);
            EXPECT_LE(result.consumed, mutated.size());
            if (result.ok()) {
                // Only where the flips left zlib's Adler-32 passing (or undid themselves).
                EXPECT_EQ(result.produced, out.size());
                EXPECT_EQ(result.consumed, mutated.size());
            } else {
                EXPECT_LE(result.produced, out.size());
                EXPECT_NE(result.error, InflateError::internal) << result.message;
                EXPECT_NE(result.error, InflateError::out_of_memory) << result.message;
            }
        }
    }
}

TEST_F(InflateTest, PresetDictionary) {
    const Bytes data = text(4096);
    const std::string dictionary = "the quick brown fox jumps over the lazy dog";
    z_stream stream{};
    ASSERT_EQ(deflateInit(&stream, 9), Z_OK);
    ASSERT_EQ(deflateSetDictionary(&stream, reinterpret_cast<const Bytef *>(dictionary.data()),
                                   static_cast<uInt>(dictionary.size())),
              Z_OK);
    Bytes deflated(deflateBound(&stream, data.size()));
    stream.next_in = reinterpret_cast<const Bytef *>(data.data());
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(deflated.data());
    stream.avail_out = static_cast<uInt>(deflated.size());
    ASSERT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
    deflated.resize(stream.total_out);
    deflateEnd(&stream);

    Bytes out(data.size());
    const InflateResult result = inflate(deflated, out);
    EXPECT_EQ(result.error, InflateError::needs_dictionary);
    EXPECT_EQ(result.produced, 0u);
}

TEST_F(InflateTest, WorkspaceExhausted) {
    const Bytes data = text(50000);
    const Bytes deflated = deflate_with_host_zlib(data);
    Bytes out(data.size());

    // No room for zlib's state.
    std::vector<std::byte> tiny(1024);
    InflateResult result = sel4::zlib::inflate(tiny, deflated, out);
    EXPECT_EQ(result.error, InflateError::out_of_memory);
    EXPECT_STREQ(result.message, "workspace too small for zlib's inflate state");
    result = sel4::zlib::inflate({}, deflated, out);
    EXPECT_EQ(result.error, InflateError::out_of_memory);

    // Room for the state but not the window: a stream that completes in one pass needs none...
    std::vector<std::byte> state_only(16 * 1024);
    result = sel4::zlib::inflate(state_only, deflated, out);
    ASSERT_TRUE(result.ok()) << result.message;
    EXPECT_TRUE(out == data);
    // ...one that does not (output full before the stream's end) asks for it, and is refused.
    Bytes small(data.size() - 1);
    result = sel4::zlib::inflate(state_only, deflated, small);
    EXPECT_EQ(result.error, InflateError::out_of_memory);
    EXPECT_STREQ(result.message, "workspace too small for zlib's window");

    // The inflater's own workspace is reused, each call from the start.
    for (int round = 0; round < 3; ++round) {
        result = inflate(deflated, small);
        EXPECT_EQ(result.error, InflateError::output_too_small);
        result = inflate(deflated, out);
        ASSERT_TRUE(result.ok()) << result.message;
    }
}

TEST(InflateErrorTest, Names) {
    EXPECT_STREQ(sel4::zlib::to_string(InflateError::none), "none");
    EXPECT_STREQ(sel4::zlib::to_string(InflateError::corrupt), "corrupt");
    EXPECT_STREQ(sel4::zlib::to_string(InflateError::needs_dictionary), "needs_dictionary");
    EXPECT_STREQ(sel4::zlib::to_string(InflateError::truncated), "truncated");
    EXPECT_STREQ(sel4::zlib::to_string(InflateError::output_too_small), "output_too_small");
    EXPECT_STREQ(sel4::zlib::to_string(InflateError::output_too_large), "output_too_large");
    EXPECT_STREQ(sel4::zlib::to_string(InflateError::trailing_data), "trailing_data");
    EXPECT_STREQ(sel4::zlib::to_string(InflateError::out_of_memory), "out_of_memory");
    EXPECT_STREQ(sel4::zlib::to_string(InflateError::internal), "internal");
}

} // namespace
