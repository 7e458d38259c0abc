#include <sel4/alloc/allocator.hpp>
#include <sel4/alloc/arch/paging.hpp>

namespace sel4::alloc {

namespace {

constexpr Word page_size = Word{1} << gen::PageBits;
// The allocator's part of the address space: far above a root task's image, and below the
// top of user space on every arch (Sv39 ends at 2^38).
constexpr Word area_start = Word{1} << 37;
constexpr Word area_end = Word{1} << 38;

} // namespace

Allocator::Allocator(const BootInfo &boot_info) noexcept
    : next_slot_(boot_info.empty().start), end_slot_(boot_info.empty().end), next_vaddr_(area_start) {
    const auto list = boot_info.untyped_list();
    for (Word i = 0; i < list.size(); ++i)
        untypeds_.add(boot_info.untyped().start + i, list[i].paddr, list[i].size_bits, list[i].is_device);
}

void Allocator::lock() noexcept {
    while (locked_.exchange(1, std::memory_order_acquire) != 0)
        sys::yield(); // the holder may be on this core, preempted
}

void Allocator::unlock() noexcept { locked_.store(0, std::memory_order_release); }

Result<Word> Allocator::allocate_slot() noexcept {
    lock();
    Result<Word> slot = next_slot_ < end_slot_ ? Result<Word>(next_slot_++) : std::unexpected(Error::NotEnoughMemory);
    unlock();
    return slot;
}

Result<Word> Allocator::allocate_locked(ObjectBlueprint blueprint) noexcept {
    if (next_slot_ == end_slot_)
        return std::unexpected(Error::NotEnoughMemory);
    for (;;) {
        const auto place = untypeds_.reserve(blueprint.physical_size_bits());
        if (!place)
            return std::unexpected(Error::NotEnoughMemory);
        const auto result = cap::Untyped(place->untyped).retype(blueprint, init::cnode.absolute_self(), next_slot_, 1);
        if (result)
            return next_slot_++;
        if (result.error() != Error::NotEnoughMemory)
            return std::unexpected(result.error());
        untypeds_.exhaust(place->untyped); // someone else retyped from it: try the next
    }
}

Result<Word> Allocator::allocate(ObjectBlueprint blueprint) noexcept {
    lock();
    const Result<Word> object = allocate_locked(blueprint);
    unlock();
    return object;
}

Result<void> Allocator::map_locked(cap::Page frame, Word vaddr, CapRights rights) noexcept {
    for (;;) {
        const auto mapped = frame.map(init::vspace, vaddr, rights, arch::attributes);
        if (mapped || mapped.error() != Error::FailedLookup)
            return mapped;
        // A level is missing: the first structure, from the lowest level up, that maps is it.
        bool made = false;
        for (const sel4::arch::Object object : arch::intermediate) {
            const auto structure = allocate_locked(ObjectBlueprint::arch(object));
            if (!structure)
                return std::unexpected(structure.error());
            const auto structure_mapped = arch::map_structure(object, *structure, init::vspace, vaddr);
            if (structure_mapped) {
                made = true;
                break;
            }
            if (structure_mapped.error() != Error::FailedLookup)
                return structure_mapped;
        }
        if (!made)
            return std::unexpected(Error::FailedLookup);
    }
}

Result<void> Allocator::map(cap::Page frame, Word vaddr, CapRights rights) noexcept {
    lock();
    const Result<void> mapped = map_locked(frame, vaddr, rights);
    unlock();
    return mapped;
}

Result<Word> Allocator::reserve_locked(Word pages) noexcept {
    if (pages > (area_end - next_vaddr_) / page_size)
        return std::unexpected(Error::NotEnoughMemory);
    const Word start = next_vaddr_;
    next_vaddr_ += pages * page_size;
    return start;
}

Result<Word> Allocator::reserve_addresses(Word pages) noexcept {
    lock();
    const Result<Word> start = reserve_locked(pages);
    unlock();
    return start;
}

Result<Word> Allocator::map_new_page_locked(Word vaddr) noexcept {
    const auto frame = allocate_locked(ObjectBlueprint::page());
    if (!frame)
        return frame;
    if (const auto mapped = map_locked(cap::Page(*frame), vaddr, CapRights::read_write()); !mapped)
        return std::unexpected(mapped.error());
    return frame; // new frames are zeroed by the kernel
}

Result<Word> Allocator::map_new_page(Word vaddr) noexcept {
    lock();
    const Result<Word> frame = map_new_page_locked(vaddr);
    unlock();
    return frame;
}

Result<Word> Allocator::map_new_pages(Word count, Word guard_pages) noexcept {
    lock();
    Result<Word> start = count + guard_pages < count ? std::unexpected(Error::NotEnoughMemory)
                                                     : reserve_locked(count + guard_pages);
    if (start) {
        *start += guard_pages * page_size;
        for (Word i = 0; i < count && start; ++i)
            if (const auto frame = map_new_page_locked(*start + i * page_size); !frame)
                start = std::unexpected(frame.error());
    }
    unlock();
    return start;
}

Word Allocator::free_slots() const noexcept { return end_slot_ - next_slot_; }
Word Allocator::free_bytes() const noexcept { return untypeds_.free_bytes(); }

} // namespace sel4::alloc
