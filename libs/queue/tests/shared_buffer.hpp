// A zeroed, 8-aligned buffer standing in for a memory region shared with a peer (Microkit
// zero-fills memory regions), and raw access to its header for the tests' checks.
#pragma once

#include <sel4/shared_memory.hpp>

#include <cstddef>
#include <cstring>
#include <memory>

namespace queue_test {

class SharedBuffer {
public:
    explicit SharedBuffer(std::size_t size) : size_(size), words_(new std::uint64_t[(size + 7) / 8 + 1]()) {}

    sel4::shared_memory::Region region() const { return {bytes(), size_}; }
    std::byte *bytes() const { return reinterpret_cast<std::byte *>(words_.get()); }

    template <class T> T get(std::size_t offset) const {
        T value;
        std::memcpy(&value, bytes() + offset, sizeof value);
        return value;
    }
    template <class T> void set(std::size_t offset, T value) const { std::memcpy(bytes() + offset, &value, sizeof value); }

private:
    std::size_t size_;
    std::unique_ptr<std::uint64_t[]> words_;
};

} // namespace queue_test
