// A view of the BootInfo frame that seL4 hands the root task (libsel4's seL4_BootInfo)
// and of the extra BootInfo chunks that follow it.
#pragma once

#include <sel4/config.hpp>
#include <sel4/gen/constants.hpp>
#include <sel4/ipc_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace sel4 {

// A range of slots [start, end) in the root task's CNode.
struct SlotRegion {
    Word start;
    Word end;

    constexpr Word size() const noexcept { return end - start; }
    constexpr bool contains(Word slot) const noexcept { return slot >= start && slot < end; }
};

struct UntypedDesc {
    Word paddr;
    std::uint8_t size_bits;
    std::uint8_t is_device;
    std::uint8_t padding[sizeof(Word) - 2];
};

// The kinds of extra BootInfo chunks (SEL4_BOOTINFO_HEADER_*).
enum class BootInfoId : Word {
    Padding = 0,
    X86Vbe = 1,
    X86MbMmap = 2,
    X86AcpiRsdp = 3,
    X86Framebuffer = 4,
    X86TscFreq = 5,
    Fdt = 6,
};

struct BootInfoChunk {
    BootInfoId id;
    std::span<const std::byte> data; // without the chunk's header
};

class BootInfo {
public:
    // The layout of seL4_BootInfo up to the untyped list, which follows it.
    struct Raw {
        Word extra_len;
        Word node_id;
        Word num_nodes;
        Word num_io_pt_levels;
        IpcBuffer *ipc_buffer;
        SlotRegion empty;
        SlotRegion shared_frames;
        SlotRegion user_image_frames;
        SlotRegion user_image_paging;
        SlotRegion io_space_caps;
        SlotRegion extra_bi_pages;
        Word init_thread_cnode_size_bits;
        Word init_thread_domain;
#if CPP_SEL4_CONFIG_KERNEL_MCS
        SlotRegion sched_control;
#endif
        SlotRegion untyped;
        // seL4_UntypedDesc untypedList[] follows.
    };

    explicit BootInfo(const void *frame) noexcept : raw_(static_cast<const Raw *>(frame)) {}

    const Raw &raw() const noexcept { return *raw_; }
    Word node_id() const noexcept { return raw_->node_id; }
    Word num_nodes() const noexcept { return raw_->num_nodes; }
    IpcBuffer &ipc_buffer() const noexcept { return *raw_->ipc_buffer; }
    SlotRegion empty() const noexcept { return raw_->empty; }
    SlotRegion user_image_frames() const noexcept { return raw_->user_image_frames; }
    SlotRegion user_image_paging() const noexcept { return raw_->user_image_paging; }
    SlotRegion extra_bi_pages() const noexcept { return raw_->extra_bi_pages; }
    Word init_thread_cnode_size_bits() const noexcept { return raw_->init_thread_cnode_size_bits; }
#if CPP_SEL4_CONFIG_KERNEL_MCS
    SlotRegion sched_control() const noexcept { return raw_->sched_control; }
#endif

    // Untyped capabilities: slot i of untyped() is described by untyped_list()[i].
    SlotRegion untyped() const noexcept { return raw_->untyped; }
    std::span<const UntypedDesc> untyped_list() const noexcept {
        return {reinterpret_cast<const UntypedDesc *>(raw_ + 1), raw_->untyped.size()};
    }

    // The extra BootInfo: chunks that start one 4 KiB page after the BootInfo.
    std::span<const std::byte> extra() const noexcept {
        return {reinterpret_cast<const std::byte *>(raw_) + (Word{1} << gen::BootInfoFrameBits), raw_->extra_len};
    }

    // Calls f(BootInfoChunk) for each extra chunk; stops at a malformed header.
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

    std::optional<BootInfoChunk> find_extra(BootInfoId id) const noexcept {
        std::optional<BootInfoChunk> found;
        for_each_extra([&](const BootInfoChunk &chunk) {
            if (!found && chunk.id == id)
                found = chunk;
        });
        return found;
    }

    // The flattened device tree the kernel passed on (arm and riscv), if any.
    std::optional<std::span<const std::byte>> fdt() const noexcept {
        if (auto chunk = find_extra(BootInfoId::Fdt))
            return chunk->data;
        return std::nullopt;
    }

private:
    const Raw *raw_;
};

} // namespace sel4
