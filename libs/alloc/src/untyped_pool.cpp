#include <sel4/alloc/untyped_pool.hpp>

namespace sel4::alloc {

namespace {
constexpr unsigned word_bits = sizeof(std::uintptr_t) * 8;
constexpr std::uintptr_t bytes(unsigned size_bits) { return std::uintptr_t{1} << size_bits; }
} // namespace

bool UntypedPool::add(std::uintptr_t cptr, std::uintptr_t paddr, unsigned size_bits, bool device) noexcept {
    if (count_ == capacity || size_bits >= word_bits)
        return false;
    entries_[count_++] = {cptr, paddr, 0, static_cast<std::uint8_t>(size_bits), device};
    return true;
}

std::optional<UntypedPool::Placement> UntypedPool::reserve(unsigned size_bits) noexcept {
    if (size_bits >= word_bits)
        return std::nullopt;
    const std::uintptr_t size = bytes(size_bits);
    Entry *best = nullptr;
    std::uintptr_t best_offset = 0;
    for (std::size_t i = 0; i < count_; ++i) {
        Entry &entry = entries_[i];
        if (entry.device || entry.size_bits < size_bits)
            continue;
        const std::uintptr_t offset = (entry.used + size - 1) & ~(size - 1);
        if (offset < entry.used || offset > bytes(entry.size_bits) - size) // wrapped, or no room
            continue;
        if (best == nullptr || entry.size_bits < best->size_bits) {
            best = &entry;
            best_offset = offset;
        }
    }
    if (best == nullptr)
        return std::nullopt;
    best->used = best_offset + size;
    return Placement{best->cptr, best_offset};
}

void UntypedPool::exhaust(std::uintptr_t cptr) noexcept {
    for (std::size_t i = 0; i < count_; ++i)
        if (entries_[i].cptr == cptr)
            entries_[i].used = bytes(entries_[i].size_bits);
}

std::uintptr_t UntypedPool::free_bytes() const noexcept {
    std::uintptr_t total = 0;
    for (std::size_t i = 0; i < count_; ++i)
        if (!entries_[i].device)
            total += bytes(entries_[i].size_bits) - entries_[i].used;
    return total;
}

} // namespace sel4::alloc
