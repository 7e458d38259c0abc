/// @file
/// Kernel objects for a root task, made from the untypeds and empty slots its BootInfo
/// lists: the C++ counterpart of a "simple" object allocator. Objects live as long as the
/// program (an untyped's memory comes back only when the whole untyped is revoked), and
/// their capabilities go into the root CNode's empty slots in order.
///
/// ```cpp
/// sel4::alloc::Allocator &alloc = sel4_runtime::allocator();   // the root task's (sel4/runtime/threads.hpp)
/// auto ep = alloc.allocate(sel4::ObjectBlueprint::endpoint());     // Result<Word>: the CPtr
/// auto pages = alloc.map_new_pages(4);                             // 4 new pages, mapped
/// ```
///
/// Every call is thread-safe. A program that uses the allocator should take all its objects
/// from it: it assumes it owns every untyped and empty slot.
#pragma once

#include <sel4/alloc/untyped_pool.hpp>
#include <sel4/sel4.hpp>

#include <atomic>
#include <cstdint>

/// Kernel objects and mapped pages for a root task (sel4/alloc/allocator.hpp).
namespace sel4::alloc {

/// Makes kernel objects from the root task's untypeds into its empty slots, and maps pages
/// into its VSpace. Thread-safe: every call takes a lock (spinning with Yield).
///
/// Errors are the kernel's, as `Result`: NotEnoughMemory when the untypeds, the slots or the
/// allocator's addresses run out; the error of Untyped_Retype or of a map invocation
/// otherwise.
class Allocator {
public:
    /// An allocator of the untypeds and empty slots that `boot_info` lists, which it then
    /// owns: nothing else may retype those untypeds or fill those slots.
    explicit Allocator(const BootInfo &boot_info) noexcept;

    /// A new object in a new slot of the root CNode; returns the slot (the capability's
    /// CPtr). NotEnoughMemory when no untyped has room or no slot is left.
    Result<Word> allocate(ObjectBlueprint blueprint) noexcept;

    /// An empty slot of the root CNode; NotEnoughMemory when none is left.
    Result<Word> allocate_slot() noexcept;

    /// Maps `frame` at `vaddr` (page-aligned) in the root task's VSpace with `rights`, making
    /// the paging structures the kernel reports missing. A frame that is mapped already, or
    /// an address that is, fails with the kernel's error.
    Result<void> map(cap::Page frame, Word vaddr, CapRights rights) noexcept;

    /// `pages` pages of fresh addresses in the allocator's own part of the address space
    /// (nothing mapped there yet); returns the first one's address.
    Result<Word> reserve_addresses(Word pages) noexcept;

    /// A new zeroed page mapped read-write at `vaddr` (page-aligned, not mapped yet); returns
    /// its frame capability.
    Result<Word> map_new_page(Word vaddr) noexcept;

    /// `count` new zeroed pages mapped read-write at fresh addresses, after `guard_pages`
    /// pages left unmapped (so that running off the start faults); returns the first page's
    /// address. After an error part of the way, the pages mapped so far stay mapped.
    Result<Word> map_new_pages(Word count, Word guard_pages = 0) noexcept;

    /// The empty slots still free (a snapshot while other threads allocate).
    Word free_slots() const noexcept;
    /// The untyped bytes still free, alignment gaps aside (a snapshot while other threads
    /// allocate).
    Word free_bytes() const noexcept;

private:
    Result<Word> allocate_locked(ObjectBlueprint blueprint) noexcept;
    Result<void> map_locked(cap::Page frame, Word vaddr, CapRights rights) noexcept;
    Result<Word> reserve_locked(Word pages) noexcept;
    Result<Word> map_new_page_locked(Word vaddr) noexcept;
    void lock() noexcept;
    void unlock() noexcept;

    UntypedPool untypeds_;
    Word next_slot_;
    Word end_slot_;
    Word next_vaddr_;
    std::atomic<std::uint32_t> locked_{0}; // a word: riscv64 has no sub-word atomic exchange
};

} // namespace sel4::alloc
