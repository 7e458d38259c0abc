// Absolute capability addresses: a slot named by a CNode, an index and a depth, as the
// CNode invocations take them; with the CNode operations as methods of the destination.
//   auto dest = cnode.absolute(slot, depth);  dest.mint(cnode.absolute(ep), rights::all, badge);
#pragma once

#include <sel4/cap.hpp>
#include <sel4/config.hpp>

#include <cstdint>

namespace sel4 {

namespace rights {
// seL4_CapRights(grant_reply, grant, read, write)
inline constexpr gen::seL4_CapRights all{1, 1, 1, 1};
inline constexpr gen::seL4_CapRights read_write{0, 0, 1, 1};
inline constexpr gen::seL4_CapRights read_only{0, 0, 1, 0};
inline constexpr gen::seL4_CapRights write_only{0, 0, 0, 1};
inline constexpr gen::seL4_CapRights none{0, 0, 0, 0};
} // namespace rights

// Root is Cap<obj::CNode> or Bound<obj::CNode>: the CNode whose IPC buffer is used.
template <class Root> class AbsoluteCPtr {
public:
    constexpr AbsoluteCPtr(Root root, Word index, std::uint8_t depth) noexcept
        : root_(root), index_(index), depth_(depth) {}

    constexpr Cap<obj::CNode> root() const noexcept { return root_; }
    constexpr Word index() const noexcept { return index_; }
    constexpr std::uint8_t depth() const noexcept { return depth_; }

    // Copies the capability at `src` here, with rights reduced to `rights`.
    template <class R> Result<void> copy(const AbsoluteCPtr<R> &src, gen::seL4_CapRights rights) const noexcept {
        return root_.copy(index_, depth_, src.root(), src.index(), src.depth(), rights);
    }
    // As copy, also setting the badge (endpoints, notifications) or guard (CNodes).
    template <class R>
    Result<void> mint(const AbsoluteCPtr<R> &src, gen::seL4_CapRights rights, Word badge) const noexcept {
        return root_.mint(index_, depth_, src.root(), src.index(), src.depth(), rights, badge);
    }
    template <class R> Result<void> move(const AbsoluteCPtr<R> &src) const noexcept {
        return root_.move(index_, depth_, src.root(), src.index(), src.depth());
    }
    // As move, also setting the badge or guard.
    template <class R> Result<void> mutate(const AbsoluteCPtr<R> &src, Word badge) const noexcept {
        return root_.mutate(index_, depth_, src.root(), src.index(), src.depth(), badge);
    }
    Result<void> delete_() const noexcept { return root_.delete_(index_, depth_); }
    // Deletes every capability derived from this one.
    Result<void> revoke() const noexcept { return root_.revoke(index_, depth_); }
    Result<void> cancel_badged_sends() const noexcept { return root_.cancel_badged_sends(index_, depth_); }
#if !CPP_SEL4_CONFIG_KERNEL_MCS
    // Moves the current reply capability here.
    Result<void> save_caller() const noexcept { return root_.save_caller(index_, depth_); }
#endif

private:
    Root root_;
    Word index_;
    std::uint8_t depth_;
};

} // namespace sel4
