/// @file
/// Parking a task until something happens, for the code beneath tasks (queues, sockets, block
/// devices): Event, a flag that tasks wait to be set, and WaitQueue, a list of tasks that
/// wait for a notify, each with an optional condition. Both are single-threaded (the
/// executor's thread) and allocation-free: the entries are the awaiters, on the waiting
/// tasks' frames, and a cancelled waiter unlinks itself.
///
/// Both have the fast path of work that is already there: a wait whose condition holds
/// (Event already set, the predicate already true) completes without suspending.
#pragma once

#include <sel4/async/detail/list.hpp>
#include <sel4/async/executor.hpp>
#include <sel4/async/task.hpp>

#include <coroutine>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace sel4::async {

/// A flag, initially clear: `co_await event` (or `event.wait()`) completes at once when it is
/// set, or when set() is next called. Manual reset: it stays set until reset().
class Event {
public:
    /// A clear event.
    Event() noexcept = default;
    Event(const Event &) = delete;
    Event &operator=(const Event &) = delete;

    /// Whether the event is set.
    bool is_set() const noexcept { return set_; }
    /// Sets the event and makes every waiting task ready.
    void set() noexcept {
        set_ = true;
        while (detail::Waiter *waiter = waiters_.pop_front())
            waiter->node->executor().schedule(*waiter->node);
    }
    /// Clears the event.
    void reset() noexcept { set_ = false; }
    /// How many tasks wait (O(n)).
    std::size_t waiter_count() const noexcept { return waiters_.size(); }

    /// The wait for the event.
    class Awaiter : private detail::Waiter {
    public:
        /// On `event`.
        explicit Awaiter(Event &event) noexcept : event_(event) {}
        /// Ready when the event is set.
        bool await_ready() const noexcept { return event_.set_; }
        /// Parks the task until set().
        void await_suspend(std::coroutine_handle<> awaiting) noexcept {
            node = &TaskNode::suspend_current(awaiting);
            event_.waiters_.push_back(*this);
        }
        /// Nothing: the event was set (it may have been reset since).
        void await_resume() const noexcept {}

    private:
        Event &event_;
    };
    /// `co_await event.wait()`.
    Awaiter wait() noexcept { return Awaiter(*this); }
    /// `co_await event`.
    Awaiter operator co_await() noexcept { return Awaiter(*this); }

private:
    detail::List<detail::Waiter, detail::WaitTag> waiters_;
    bool set_ = false;
};

/// Tasks waiting for a notify, in FIFO order. `co_await queue.wait()` always suspends until a
/// notify; `co_await queue.wait_until(pred)` completes at once when `pred()` holds, and
/// otherwise is woken only by a notify at which `pred()` holds (the notifier evaluates it), so
/// the task resumes with its condition true. The typical producer side:
///
/// ```cpp
/// co_await readable.wait_until([&] { return !queue.empty(); });   // consumer task
/// readable.notify_all();                                            // after new data came
/// ```
class WaitQueue {
    struct Entry : detail::Waiter {
        bool (*holds)(Entry &) noexcept = nullptr; // null: no condition
    };

public:
    /// An empty queue.
    WaitQueue() noexcept = default;
    WaitQueue(const WaitQueue &) = delete;
    WaitQueue &operator=(const WaitQueue &) = delete;

    /// Makes ready the first waiting task whose condition holds; whether there was one.
    bool notify_one() noexcept {
        bool woken = false;
        waiters_.for_each([&](detail::Waiter &waiter) {
            if (woken)
                return;
            auto &entry = static_cast<Entry &>(waiter);
            if (entry.holds == nullptr || entry.holds(entry)) {
                wake(entry);
                woken = true;
            }
        });
        return woken;
    }
    /// Makes ready every waiting task whose condition holds; how many.
    std::size_t notify_all() noexcept {
        std::size_t woken = 0;
        waiters_.for_each([&](detail::Waiter &waiter) {
            auto &entry = static_cast<Entry &>(waiter);
            if (entry.holds == nullptr || entry.holds(entry)) {
                wake(entry);
                ++woken;
            }
        });
        return woken;
    }
    /// Whether no task waits.
    bool empty() const noexcept { return waiters_.empty(); }
    /// How many tasks wait (O(n)).
    std::size_t waiter_count() const noexcept { return waiters_.size(); }

    /// The wait for a notify (see WaitQueue).
    class Awaiter : private Entry {
    public:
        /// On `queue`.
        explicit Awaiter(WaitQueue &queue) noexcept : queue_(queue) {}
        /// Never ready: it waits for the next notify.
        bool await_ready() const noexcept { return false; }
        /// Parks the task until a notify.
        void await_suspend(std::coroutine_handle<> awaiting) noexcept {
            node = &TaskNode::suspend_current(awaiting);
            queue_.waiters_.push_back(*this);
        }
        /// Nothing.
        void await_resume() const noexcept {}

    private:
        WaitQueue &queue_;
    };

    /// The wait until `Predicate` holds (see WaitQueue).
    template <class Predicate> class UntilAwaiter : private Entry {
    public:
        /// On `queue`, with the condition `predicate`.
        UntilAwaiter(WaitQueue &queue, Predicate predicate) noexcept(std::is_nothrow_move_constructible_v<Predicate>)
            : queue_(queue), predicate_(std::move(predicate)) {
            holds = &check;
        }
        /// Ready when the condition holds now.
        bool await_ready() noexcept { return static_cast<bool>(predicate_()); }
        /// Parks the task until a notify at which the condition holds.
        void await_suspend(std::coroutine_handle<> awaiting) noexcept {
            node = &TaskNode::suspend_current(awaiting);
            queue_.waiters_.push_back(*this);
        }
        /// Nothing: the condition held when the task was woken.
        void await_resume() const noexcept {}

    private:
        static bool check(Entry &entry) noexcept {
            return static_cast<bool>(static_cast<UntilAwaiter &>(entry).predicate_());
        }
        WaitQueue &queue_;
        Predicate predicate_;
    };

    /// `co_await queue.wait()`.
    Awaiter wait() noexcept { return Awaiter(*this); }
    /// `co_await queue.wait_until(predicate)`; `predicate` is a noexcept callable that
    /// returns something convertible to bool.
    template <class Predicate> UntilAwaiter<Predicate> wait_until(Predicate predicate) noexcept {
        return UntilAwaiter<Predicate>(*this, std::move(predicate));
    }

private:
    static void wake(Entry &entry) noexcept {
        entry.unlink();
        entry.node->executor().schedule(*entry.node);
    }
    detail::List<detail::Waiter, detail::WaitTag> waiters_;
};

} // namespace sel4::async
