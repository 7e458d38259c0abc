/// @file
/// sel4::async in a Microkit PD (Microkit worlds; needs sel4/microkit.hpp): waits on channels
/// and the entry point that drives the executor.
///
/// ```cpp
/// struct Pd : sel4::microkit::Handler {
///     sel4::async::Executor exec;
///     void notified(sel4::microkit::ChannelSet channels) { sel4::async::microkit::notified(exec, channels); }
/// };
/// // in a task:
/// sel4::microkit::ChannelSet got = co_await sel4::async::microkit::wait(exec, device);
/// ```
#pragma once

#include <sel4/async/executor.hpp>

#include <sel4/microkit/channel.hpp>

#include <coroutine>

namespace sel4::async::microkit {

/// What a PD's `notified()` does for its executor: the channels' tasks made ready
/// (Executor::wake with the set's bits), then every ready task run until none is ready.
inline void notified(Executor &executor, sel4::microkit::ChannelSet channels) noexcept {
    executor.wake(channels.bits());
    executor.run_until_stalled();
}

/// A wait on channels (see wait()).
class ChannelWait {
public:
    /// A wait of a task of `executor` on `channels`.
    ChannelWait(Executor &executor, sel4::microkit::ChannelSet channels) noexcept
        : wait_(executor, channels.bits()) {}
    /// Ready when one of the channels is pending.
    bool await_ready() noexcept { return wait_.await_ready(); }
    /// Parks the task until one of the channels is notified.
    void await_suspend(std::coroutine_handle<> awaiting) noexcept { wait_.await_suspend(awaiting); }
    /// The channels of the set that were notified.
    sel4::microkit::ChannelSet await_resume() const noexcept {
        return sel4::microkit::ChannelSet(wait_.await_resume());
    }

private:
    BadgeWait wait_;
};

/// `co_await wait(executor, channels)`: suspends the task until one of `channels` is notified
/// (Executor::wait on the set's bits); gives the channels of the set that were.
inline ChannelWait wait(Executor &executor, sel4::microkit::ChannelSet channels) noexcept {
    return ChannelWait(executor, channels);
}
/// `co_await wait(executor, channel)`: the wait on one channel.
inline ChannelWait wait(Executor &executor, sel4::microkit::Channel channel) noexcept {
    return ChannelWait(executor, sel4::microkit::ChannelSet().with(channel));
}

} // namespace sel4::async::microkit
