/// @file
/// CapRights: the access rights of a capability (seL4_CapRights_t), which CNode_Copy and
/// CNode_Mint reduce a copy to and the map invocations give a mapping.
///
///     cnode.copy(dest, src, sel4::CapRights::read());              // a read-only copy
///     cnode.mint(dest, src, sel4::CapRights::write().with_grant(), sel4::Badge(7));
#pragma once

#include <sel4/gen/bitfields.hpp>

namespace sel4 {

/// \brief A set of access rights: read, write, grant and grant-reply (seL4_CapRights_t).
///
/// What each right allows depends on the object: on an endpoint, read is receiving, write is
/// sending, grant is passing capabilities and grant-reply passing a reply capability; on a
/// frame, read and write are the mapping's access. A copy's rights are those of its source
/// reduced to these.
class CapRights {
public:
    /// \brief Every right: read, write, grant and grant-reply (libsel4's seL4_AllRights).
    static constexpr CapRights all() noexcept { return CapRights(gen::seL4_CapRights(1, 1, 1, 1)); }
    /// \brief Read and write (libsel4's seL4_ReadWrite).
    static constexpr CapRights read_write() noexcept { return CapRights(gen::seL4_CapRights(0, 0, 1, 1)); }
    /// \brief Read only (libsel4's seL4_CanRead).
    static constexpr CapRights read() noexcept { return CapRights(gen::seL4_CapRights(0, 0, 1, 0)); }
    /// \brief Write only (libsel4's seL4_CanWrite).
    static constexpr CapRights write() noexcept { return CapRights(gen::seL4_CapRights(0, 0, 0, 1)); }
    /// \brief No right (libsel4's seL4_NoRights).
    static constexpr CapRights none() noexcept { return CapRights(gen::seL4_CapRights()); }

    /// \brief The rights in libsel4's form, as the low-level stubs take them.
    constexpr explicit CapRights(gen::seL4_CapRights raw) noexcept : raw_(raw) {}

    /// \brief These rights and read.
    constexpr CapRights with_read() const noexcept { return with(1, 0, 0, 0); }
    /// \brief These rights and write.
    constexpr CapRights with_write() const noexcept { return with(0, 1, 0, 0); }
    /// \brief These rights and grant.
    constexpr CapRights with_grant() const noexcept { return with(0, 0, 1, 0); }
    /// \brief These rights and grant-reply.
    constexpr CapRights with_grant_reply() const noexcept { return with(0, 0, 0, 1); }

    /// \brief Whether read is among these rights.
    constexpr bool can_read() const noexcept { return raw_.get_capAllowRead() != 0; }
    /// \brief Whether write is among these rights.
    constexpr bool can_write() const noexcept { return raw_.get_capAllowWrite() != 0; }
    /// \brief Whether grant is among these rights.
    constexpr bool can_grant() const noexcept { return raw_.get_capAllowGrant() != 0; }
    /// \brief Whether grant-reply is among these rights.
    constexpr bool can_grant_reply() const noexcept { return raw_.get_capAllowGrantReply() != 0; }

    /// \brief The rights in libsel4's form, as the low-level stubs take them.
    constexpr gen::seL4_CapRights raw() const noexcept { return raw_; }

    /// \brief Whether both are the same rights.
    constexpr bool operator==(const CapRights &) const noexcept = default;

private:
    constexpr CapRights with(bool read, bool write, bool grant, bool grant_reply) const noexcept {
        return CapRights(gen::seL4_CapRights(can_grant_reply() || grant_reply, can_grant() || grant,
                                             can_read() || read, can_write() || write));
    }

    gen::seL4_CapRights raw_;
};

} // namespace sel4
