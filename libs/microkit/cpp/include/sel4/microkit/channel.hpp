/// @file
/// What a PD does to the others: channels (notify, acknowledge an IRQ, protected call),
/// sets of channels, children (restart, stop, resume), deferred actions, message registers.
///
/// Every call that uses a channel checks it against the bitmask the tool patched in
/// (microkit_notifications, microkit_irqs, microkit_pps): a channel the system description
/// does not give the PD for that call is a bug in the PD, reported with the PD's name and the
/// channel, and the PD aborts (where libmicrokit prints and carries on).
#pragma once

#include <sel4/microkit/abi.hpp>

#include <sel4/cap.hpp>
#include <sel4/gen/invocations.hpp>
#include <sel4/syscalls.hpp>

#include <bit>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace sel4::microkit {

/// The PD's name, as the system description gives it (microkit_name).
inline std::string_view pd_name() noexcept {
    std::size_t length = 0;
    while (length < pd_name_length && microkit_name[length] != '\0')
        ++length;
    return {microkit_name, length};
}

namespace detail {
/// For values the runtime decoded from a badge, which are in range by construction.
struct Unchecked {};
inline constexpr Unchecked unchecked{};

// The cold ends of the checks (src/checks.cpp): a message naming the PD, then the runtime's
// abort (sel4_runtime::fatal), which faults the PD.
[[noreturn, gnu::cold]] void invalid_channel_id(unsigned id) noexcept;
[[noreturn, gnu::cold]] void invalid_child_id(unsigned id) noexcept;
[[noreturn, gnu::cold]] void channel_not_valid(const char *call, unsigned id) noexcept;
[[noreturn, gnu::cold]] void message_register_out_of_range(unsigned index) noexcept;
} // namespace detail

/// A channel end of this PD: its id (0..61) from the system description.
class Channel {
public:
    /// The channel `id`; an id of 62 or more does not compile in a constant expression and
    /// aborts the PD otherwise.
    constexpr explicit Channel(unsigned id) noexcept : id_(id) {
        if (id >= max_channels)
            detail::invalid_channel_id(id);
    }
    /// The channel `id` < 62, unchecked (the event loop's, from a badge).
    constexpr Channel(detail::Unchecked, unsigned id) noexcept : id_(id) {}

    /// The channel's id.
    constexpr unsigned id() const noexcept { return id_; }
    /// The channel's bit in a ChannelSet and in the patched bitmasks.
    constexpr Word bit() const noexcept { return Word{1} << id_; }

    /// Whether the PD may notify through this channel (microkit_notifications).
    bool can_notify() const noexcept { return (microkit_notifications & bit()) != 0; }
    /// Whether the channel is an IRQ of the PD (microkit_irqs).
    bool is_irq() const noexcept { return (microkit_irqs & bit()) != 0; }
    /// Whether the PD may make protected calls through this channel (microkit_pps).
    bool can_call() const noexcept { return (microkit_pps & bit()) != 0; }

    /// Signals the PD at the other end (Signal on its notification, slot 10 + id).
    void notify() const noexcept {
        if (!can_notify())
            detail::channel_not_valid("notify", id_);
        sys::signal(slot::base_output_notification + id_);
    }

    /// Acknowledges the IRQ of this channel, so that the kernel delivers it again
    /// (IRQHandler_Ack on slot 138 + id).
    void irq_ack() const noexcept {
        if (!is_irq())
            detail::channel_not_valid("irq_ack", id_);
        (void)gen::irq_handler_ack(ipc_buffer(), slot::base_irq + id_);
    }

    /// A protected call to the PD at the other end (Call on slot 74 + id), with `info` and the
    /// message registers; returns the reply's info, its registers are in the IPC buffer.
    MessageInfo call(MessageInfo info) const noexcept {
        if (!can_call())
            detail::channel_not_valid("call", id_);
        return sys::call(ipc_buffer(), slot::base_endpoint + id_, info);
    }

    /// Notifies when the PD next waits (see defer()); at most one deferred action is pending.
    inline void defer_notify() const noexcept;
    /// Acknowledges the IRQ when the PD next waits (see defer()).
    inline void defer_irq_ack() const noexcept;

    /// Whether both are the same channel.
    constexpr bool operator==(const Channel &) const noexcept = default;

private:
    unsigned id_;
};

/// The channels of one notification: the badge's bits, bit i for channel i.
class ChannelSet {
public:
    /// No channels.
    constexpr ChannelSet() noexcept = default;
    /// The channels of the bits of `bits` (bits 62 and 63 are ignored).
    constexpr explicit ChannelSet(Word bits) noexcept : bits_(bits & (bit_of(max_channels) - 1)) {}

    /// Whether `channel` is in the set.
    constexpr bool contains(Channel channel) const noexcept { return (bits_ & channel.bit()) != 0; }
    /// How many channels are in the set.
    constexpr std::size_t size() const noexcept { return static_cast<std::size_t>(std::popcount(bits_)); }
    /// Whether the set is empty.
    constexpr bool empty() const noexcept { return bits_ == 0; }
    /// The set's bits.
    constexpr Word bits() const noexcept { return bits_; }
    /// The set with `channel` added.
    constexpr ChannelSet with(Channel channel) const noexcept { return ChannelSet(bits_ | channel.bit()); }

    /// Iterates over the channels of the set, lowest id first.
    class iterator {
    public:
        using value_type = Channel;
        using difference_type = std::ptrdiff_t;
        constexpr iterator() noexcept = default;
        constexpr explicit iterator(Word rest) noexcept : rest_(rest) { find(); }
        constexpr Channel operator*() const noexcept { return Channel(detail::unchecked, index_); }
        constexpr iterator &operator++() noexcept {
            rest_ &= rest_ - 1; // clears the lowest bit
            find();
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator before = *this;
            ++*this;
            return before;
        }
        constexpr bool operator==(const iterator &other) const noexcept { return rest_ == other.rest_; }

    private:
        // The lowest bit left. Without a count-trailing-zeros instruction (riscv64 without Zbb,
        // where std::countr_zero is a call to libgcc) it steps up from the last one, as
        // libmicrokit's loop does: bench/microkit.sh measured the call at +0.5% a notification.
        constexpr void find() noexcept {
            if (rest_ == 0) return;
#if defined(__riscv) && !defined(__riscv_zbb)
            while (((rest_ >> index_) & 1) == 0) ++index_;
#else
            index_ = static_cast<unsigned>(std::countr_zero(rest_));
#endif
        }
        Word rest_ = 0;
        unsigned index_ = 0;
    };
    constexpr iterator begin() const noexcept { return iterator(bits_); }
    constexpr iterator end() const noexcept { return iterator(0); }

    /// Whether both have the same channels.
    constexpr bool operator==(const ChannelSet &) const noexcept = default;

private:
    static constexpr Word bit_of(unsigned i) noexcept { return Word{1} << i; }
    Word bits_ = 0;
};
static_assert(std::forward_iterator<ChannelSet::iterator>);

/// A child PD of this one (its `id` in the system description), whose faults this PD
/// handles and whose TCB it holds (slot 202 + id).
class Child {
public:
    /// The child `id` (0..63); a larger id does not compile in a constant expression and
    /// aborts the PD otherwise.
    constexpr explicit Child(unsigned id) noexcept : id_(id) {
        if (id >= max_children)
            detail::invalid_child_id(id);
    }
    /// The child `id`, unchecked (the event loop's, from a fault's badge).
    constexpr Child(detail::Unchecked, unsigned id) noexcept : id_(id) {}

    /// The child's id.
    constexpr unsigned id() const noexcept { return id_; }
    /// The child's TCB.
    constexpr cap::Tcb tcb() const noexcept { return cap::Tcb(slot::base_tcb + id_); }

    /// Restarts the child at `entry` (its program counter; its other registers are kept)
    /// and resumes it, as microkit_pd_restart does.
    Result<void> restart(Word entry) const noexcept {
        gen::UserContext registers{};
#if defined(__x86_64__)
        registers.rip = entry;
#else
        registers.pc = entry;
#endif
        // The program counter is the first register of UserContext on every arch: count 1.
        return tcb().with(ipc_buffer()).write_registers(true, 0, 1, registers);
    }
    /// Stops the child (TCB_Suspend).
    Result<void> stop() const noexcept { return tcb().with(ipc_buffer()).suspend(); }
    /// Lets a stopped child run again (TCB_Resume).
    Result<void> resume() const noexcept { return tcb().with(ipc_buffer()).resume(); }

    /// Whether both are the same child.
    constexpr bool operator==(const Child &) const noexcept = default;

private:
    unsigned id_;
};

/// A notify or an IRQ acknowledgement that the event loop performs when the PD next waits,
/// fused with its receive (NBSendRecv), as libmicrokit's deferred calls are.
class DeferredAction {
public:
    /// What the action does.
    enum class Kind : std::uint8_t { notify, irq_ack };

    /// Notify `channel` (checked as Channel::notify() is).
    static DeferredAction notify(Channel channel) noexcept {
        if (!channel.can_notify())
            detail::channel_not_valid("defer_notify", channel.id());
        return DeferredAction(channel, Kind::notify);
    }
    /// Acknowledge the IRQ of `channel` (checked as Channel::irq_ack() is).
    static DeferredAction irq_ack(Channel channel) noexcept {
        if (!channel.is_irq())
            detail::channel_not_valid("defer_irq_ack", channel.id());
        return DeferredAction(channel, Kind::irq_ack);
    }

    /// The channel.
    constexpr Channel channel() const noexcept { return channel_; }
    /// What it does.
    constexpr Kind kind() const noexcept { return kind_; }
    /// The capability the loop sends to: the channel's notification or IRQ handler.
    constexpr CPtr cap() const noexcept {
        return (kind_ == Kind::notify ? slot::base_output_notification : slot::base_irq) + channel_.id();
    }
    /// The message: empty for a signal, IRQAckIRQ for the acknowledgement (the invocation,
    /// sent without waiting for its reply).
    constexpr MessageInfo message_info() const noexcept {
        return MessageInfo(kind_ == Kind::notify ? 0 : static_cast<Word>(gen::InvocationLabel::IRQAckIRQ), 0, 0, 0);
    }

    /// Whether both do the same.
    constexpr bool operator==(const DeferredAction &) const noexcept = default;

private:
    constexpr DeferredAction(Channel channel, Kind kind) noexcept : channel_(channel), kind_(kind) {}
    Channel channel_;
    Kind kind_;
};

namespace detail {
/// The pending deferred action in the form the event loop sends it (cap 0: none), as
/// libmicrokit keeps it; one per PD, which has one thread.
struct DeferredSlot {
    CPtr cap = 0;
    MessageInfo info{};
};
inline constinit DeferredSlot deferred_slot{};
} // namespace detail

/// Makes `action` the PD's deferred action: the event loop performs it when the entry point
/// returns, in the same system call as its next receive. One per entry point, as in
/// Microkit; a second one in the same entry performs the first at once, so that no signal
/// is lost.
inline void defer(DeferredAction action) noexcept {
    detail::DeferredSlot &slot = detail::deferred_slot;
    if (slot.cap != 0) // the earlier one now, as a plain send
        sys::send(ipc_buffer(), slot.cap, slot.info);
    slot.cap = action.cap();
    slot.info = action.message_info();
}

/// Whether a deferred action waits for the event loop.
inline bool has_deferred_action() noexcept { return detail::deferred_slot.cap != 0; }

inline void Channel::defer_notify() const noexcept { defer(DeferredAction::notify(*this)); }
inline void Channel::defer_irq_ack() const noexcept { defer(DeferredAction::irq_ack(*this)); }

/// A message info of `count` message registers with `label` (microkit_msginfo_new).
constexpr MessageInfo message_info(Word label, Word count) noexcept { return MessageInfo(label, 0, 0, count); }

/// Sets message register `index` (< gen::MsgMaxLength) of the PD's IPC buffer.
inline void mr_set(unsigned index, Word value) noexcept {
    if (index >= gen::MsgMaxLength)
        detail::message_register_out_of_range(index);
    ipc_buffer().msg[index] = value;
}
/// Message register `index` (< gen::MsgMaxLength) of the PD's IPC buffer.
inline Word mr_get(unsigned index) noexcept {
    if (index >= gen::MsgMaxLength)
        detail::message_register_out_of_range(index);
    return ipc_buffer().msg[index];
}

} // namespace sel4::microkit
