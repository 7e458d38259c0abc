/// @file
/// A view of the BootInfo frame that seL4 hands the root task (libsel4's seL4_BootInfo)
/// and of the extra BootInfo chunks that follow it.
#pragma once

#include <sel4/config.hpp>
#include <sel4/gen/constants.hpp>
#include <sel4/ipc_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace sel4 {

/// A range of slots [start, end) in the root task's CNode (seL4_SlotRegion).
struct SlotRegion {
    Word start; ///< The first slot.
    Word end;   ///< One past the last slot.

    /// The number of slots.
    constexpr Word size() const noexcept { return end - start; }
    /// Whether `slot` is in the range.
    constexpr bool contains(Word slot) const noexcept { return slot >= start && slot < end; }
};

/// What the BootInfo says of one untyped capability (seL4_UntypedDesc).
struct UntypedDesc {
    Word paddr;             ///< The physical address of its memory.
    std::uint8_t size_bits; ///< log2 of its size in bytes.
    /// Nonzero for device memory, which the kernel never zeroes and which can be retyped
    /// only into frames (and smaller untypeds).
    std::uint8_t is_device;
    std::uint8_t padding[sizeof(Word) - 2]; ///< To a whole number of words, as in libsel4.
};

/// The kinds of extra BootInfo chunks (SEL4_BOOTINFO_HEADER_*).
enum class BootInfoId : Word {
    Padding = 0,        ///< Filler, which BootInfo::for_each_extra() skips.
    X86Vbe = 1,         ///< The VESA BIOS Extensions information of the boot loader.
    X86MbMmap = 2,      ///< The multiboot memory map.
    X86AcpiRsdp = 3,    ///< The ACPI root system description pointer.
    X86Framebuffer = 4, ///< The multiboot 2 framebuffer.
    X86TscFreq = 5,     ///< The frequency of the time-stamp counter in MHz, a 32-bit word.
    Fdt = 6,            ///< The flattened device tree (Arm and RISC-V).
};

/// One extra BootInfo chunk.
struct BootInfoChunk {
    BootInfoId id;                   ///< Its kind.
    std::span<const std::byte> data; ///< Its contents, without the chunk's header.
};

/// The root task's BootInfo: its initial capabilities (ranges of slots of its CNode), the
/// untypeds with their addresses and sizes, and the extra chunks.
///
/// A view of the frame, which must stay mapped while the view is used.
class BootInfo {
public:
    /// The layout of seL4_BootInfo up to the untyped list, which follows it.
    struct Raw {
        Word extra_len;                   ///< Bytes of extra BootInfo chunks.
        Word node_id;                     ///< The core the root task runs on (0).
        Word num_nodes;                   ///< The number of cores the kernel runs on.
        Word num_io_pt_levels;            ///< The number of IOMMU page-table levels (0 without one).
        IpcBuffer *ipc_buffer;            ///< The root task's IPC buffer.
        SlotRegion empty;                 ///< Empty slots.
        SlotRegion shared_frames;         ///< Frames shared between nodes (always empty).
        SlotRegion user_image_frames;     ///< The frames of the root task's image.
        SlotRegion user_image_paging;     ///< The paging structures that map the image.
        SlotRegion io_space_caps;         ///< IOSpace capabilities (Arm SMMU).
        SlotRegion extra_bi_pages;        ///< The frames of the extra BootInfo.
        Word init_thread_cnode_size_bits; ///< log2 of the number of slots of the root CNode.
        Word init_thread_domain;          ///< The root task's scheduling domain.
#if CPP_SEL4_CONFIG_KERNEL_MCS
        SlotRegion sched_control; ///< One SchedControl capability per core.
#endif
        SlotRegion untyped; ///< The untyped capabilities, described by the list that follows.
        // seL4_UntypedDesc untypedList[] follows.
    };

    /// A view of the BootInfo at `frame`: the address the kernel passes the root task (the
    /// runtime's entry hands it on; sel4_runtime::boot_info() gives it later).
    explicit BootInfo(const void *frame) noexcept : raw_(static_cast<const Raw *>(frame)) {}

    /// The BootInfo's fields as the kernel lays them out.
    const Raw &raw() const noexcept { return *raw_; }
    /// The core the root task runs on (0).
    Word node_id() const noexcept { return raw_->node_id; }
    /// The number of cores the kernel runs on.
    Word num_nodes() const noexcept { return raw_->num_nodes; }
    /// The root task's IPC buffer, which the kernel configured in its TCB.
    IpcBuffer &ipc_buffer() const noexcept { return *raw_->ipc_buffer; }
    /// The empty slots of the root CNode, where new capabilities can go.
    SlotRegion empty() const noexcept { return raw_->empty; }
    /// The frames of the root task's ELF image, in address order.
    SlotRegion user_image_frames() const noexcept { return raw_->user_image_frames; }
    /// The paging structures that map the root task's image.
    SlotRegion user_image_paging() const noexcept { return raw_->user_image_paging; }
    /// The frames that hold the extra BootInfo.
    SlotRegion extra_bi_pages() const noexcept { return raw_->extra_bi_pages; }
    /// log2 of the number of slots of the root CNode. Its guard (zero) makes up the rest of
    /// the word, so that a slot's index is its CPtr.
    Word init_thread_cnode_size_bits() const noexcept { return raw_->init_thread_cnode_size_bits; }
#if CPP_SEL4_CONFIG_KERNEL_MCS
    /// The SchedControl capabilities, one per core in core order.
    SlotRegion sched_control() const noexcept { return raw_->sched_control; }
#endif

    /// The untyped capabilities: slot `untyped().start + i` is described by `untyped_list()[i]`.
    SlotRegion untyped() const noexcept { return raw_->untyped; }
    /// What each untyped capability is: its physical address, size and whether it is device
    /// memory, in the order of untyped().
    std::span<const UntypedDesc> untyped_list() const noexcept {
        return {reinterpret_cast<const UntypedDesc *>(raw_ + 1), raw_->untyped.size()};
    }

    /// The extra BootInfo: chunks that start one 4 KiB page after the BootInfo, each a
    /// header (its BootInfoId and its length with the header, a word each) and its data.
    std::span<const std::byte> extra() const noexcept {
        return {reinterpret_cast<const std::byte *>(raw_) + (Word{1} << gen::BootInfoFrameBits), raw_->extra_len};
    }

    /// Calls `f(const BootInfoChunk &)` for each extra chunk in order, skipping padding;
    /// stops at a header whose length is shorter than a header or runs past the end.
    template <class F> void for_each_extra(F &&f) const noexcept {
        std::span<const std::byte> rest = extra();
        while (rest.size() >= 2 * sizeof(Word)) {
            Word header[2];
            __builtin_memcpy(header, rest.data(), sizeof header);
            if (header[1] < sizeof header || header[1] > rest.size())
                return;
            if (header[0] != static_cast<Word>(BootInfoId::Padding))
                f(BootInfoChunk{static_cast<BootInfoId>(header[0]), rest.subspan(sizeof header, header[1] - sizeof header)});
            rest = rest.subspan(header[1]);
        }
    }

    /// The first extra chunk of kind `id`, if there is one.
    std::optional<BootInfoChunk> find_extra(BootInfoId id) const noexcept {
        std::optional<BootInfoChunk> found;
        for_each_extra([&](const BootInfoChunk &chunk) {
            if (!found && chunk.id == id)
                found = chunk;
        });
        return found;
    }

    /// The flattened device tree the kernel passed on (Arm and RISC-V), if any.
    std::optional<std::span<const std::byte>> fdt() const noexcept {
        if (auto chunk = find_extra(BootInfoId::Fdt))
            return chunk->data;
        return std::nullopt;
    }

private:
    const Raw *raw_;
};

} // namespace sel4
