// root-task.heap: many allocations of mixed sizes, frees and content checks; running out
// is reported (nullptr, std::bad_alloc) without corrupting what is allocated.
#include "../check.hpp"

#include <sel4/runtime/heap.hpp>
#include <sel4/runtime/root_task.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

SEL4_RUNTIME_HEAP_SIZE(4 * 1024 * 1024)

namespace {

struct Block {
    unsigned char *data = nullptr;
    std::size_t size = 0;
    unsigned char fill = 0;
};

std::uint64_t state = 0x9e3779b97f4a7c15u;
std::uint64_t next_random() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

bool intact(const Block &block) {
    for (std::size_t i = 0; i < block.size; ++i)
        if (block.data[i] != static_cast<unsigned char>(block.fill + i))
            return false;
    return true;
}

void fill(Block &block) {
    for (std::size_t i = 0; i < block.size; ++i)
        block.data[i] = static_cast<unsigned char>(block.fill + i);
}

} // namespace

int root_main(const sel4::BootInfo &) {
    constexpr std::size_t slots = 512;
    static Block blocks[slots];
    for (int round = 0; round < 20000; ++round) {
        Block &block = blocks[next_random() % slots];
        if (block.data != nullptr) {
            CHECK(intact(block));
            std::free(block.data);
            block = {};
        } else {
            block.size = 1 + next_random() % (next_random() % 4 == 0 ? 16384 : 256);
            block.data = static_cast<unsigned char *>(std::malloc(block.size));
            CHECK(block.data != nullptr);
            CHECK(reinterpret_cast<std::uintptr_t>(block.data) % alignof(std::max_align_t) == 0);
            block.fill = static_cast<unsigned char>(next_random());
            fill(block);
        }
    }
    for (Block &block : blocks)
        CHECK(block.data == nullptr || intact(block));

    // Run out: malloc returns nullptr, everything allocated before is intact.
    void *chunks[4096];
    std::size_t count = 0;
    while (count < 4096 && (chunks[count] = std::malloc(64 * 1024)) != nullptr)
        std::memset(chunks[count++], 0xa5, 64 * 1024);
    sel4::debug::println("the heap ran out after {} chunks of 64 KiB", count);
    CHECK(count > 0 && count < 4096);
    for (Block &block : blocks)
        CHECK(block.data == nullptr || intact(block));
    try {
        // ::operator new itself: a new-expression whose result is unused may be elided.
        void *volatile big = ::operator new(1024 * 1024);
        ::operator delete(big);
        CHECK(false);
    } catch (const std::bad_alloc &) {
    }
    for (std::size_t i = 0; i < count; ++i)
        std::free(chunks[i]);
    for (Block &block : blocks) {
        if (block.data != nullptr) {
            CHECK(intact(block));
            std::free(block.data);
        }
    }
    // After freeing everything, a large allocation fits again.
    void *large = std::malloc(2 * 1024 * 1024);
    CHECK(large != nullptr);
    std::free(large);
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
