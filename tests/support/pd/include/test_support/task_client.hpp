/// @file
/// The handler of a test PD whose checks are one sel4::async task over a device it polls
/// (a QueueBlockDevice): the task spawned on the PD's state, every notification from the
/// device's channel polling the device and waking the task's waits on the channels, and one
/// deferred notify of the channel at the end of a run in which the device asked for it.
///
/// The state (in .bss, made by the handler) has an `executor` (sel4::async::Executor), a
/// `device` (a std::optional of a type with poll()) and a `kick` flag the device's notify
/// hook sets.
/// @code
/// TaskClient<State> make_client() { return TaskClient<State>(state, peer, &phases, &fail); }
/// SEL4_MICROKIT_PD(make_client)
/// @endcode
#pragma once

#include <sel4/async/executor.hpp>
#include <sel4/async/task.hpp>
#include <sel4/microkit.hpp>

#include <cstdint>
#include <optional>
#include <utility>

namespace test_support {

/// The Microkit handler that runs the task `phases(state)` (see the file's comment).
template <class State> class TaskClient : public sel4::microkit::Handler {
public:
    /// The checks: a task on the state.
    using Phases = sel4::async::Task<void> (*)(State &);
    /// What the test does when something is wrong: reports `what` and `detail`, never returns.
    using Fail = void (*)(const char *what, std::uint64_t detail) noexcept;

    /// Makes `state`, spawns `phases` on it and runs it as far as it goes; `fail` when the
    /// task's frame does not fit the frame pool.
    TaskClient(std::optional<State> &state, sel4::microkit::Channel channel, Phases phases, Fail fail) noexcept
        : state_(state.emplace()), channel_(channel), fail_(fail) {
        auto task = state_.executor.spawn(phases(state_));
        if (!task)
            fail_("the task's frame does not fit in the frame pool", 0);
        task_ = std::move(*task);
        run();
    }

    /// The device's channel: its completions, then the tasks they made ready; `fail` on
    /// another channel.
    void notified(sel4::microkit::ChannelSet channels) noexcept {
        if (!channels.contains(channel_))
            fail_("a notification from another channel", channels.bits());
        if (state_.device)
            state_.device->poll();
        state_.executor.wake(channels.bits());
        run();
    }

private:
    void run() noexcept {
        state_.executor.run_until_stalled();
        if (state_.kick) {
            state_.kick = false;
            channel_.defer_notify();
        }
    }

    State &state_;
    sel4::microkit::Channel channel_;
    Fail fail_;
    sel4::async::JoinHandle<void> task_;
};

} // namespace test_support
