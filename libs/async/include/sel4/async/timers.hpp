/// @file
/// Timers: a deadline queue over the one hardware timeout of a PD.
///
/// A Clock tells the time (Instant, nanoseconds on a monotonic count) and arms one hardware
/// timeout; Timers keeps every pending deadline in an intrusive pairing heap whose entries are
/// the awaiters themselves (on the sleeping tasks' frames: no allocation), and keeps the
/// hardware timeout armed at the earliest one. The PD calls `poll()` when the timeout fires
/// (and whenever else it likes): every expired timer fires, in deadline order, ties in the
/// order they were added, and the timeout is re-armed for the next deadline.
///
/// ```cpp
/// void notified(ChannelSet channels) {
///     if (channels.contains(timer_irq)) {
///         timers.poll();          // fires what expired, re-arms (drops the IRQ's level)
///         timer_irq.irq_ack();
///     }
///     executor.wake(channels.bits());
///     executor.run_until_stalled();
/// }
/// ```
///
/// A timer never fires early: it fires at the first poll at or after its deadline. A
/// cancelled sleep (its task destroyed) leaves the queue at once; the hardware timeout stays
/// armed for it, and its interrupt then finds nothing to fire and re-arms for the next one.
/// Timers must outlive the tasks that sleep on it.
#pragma once

#include <sel4/async/detail/fatal.hpp>
#include <sel4/async/executor.hpp>
#include <sel4/async/task.hpp>
#include <sel4/async/when.hpp>

#include <chrono>
#include <compare>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <type_traits>
#include <utility>

namespace sel4::async {

/// A span of time, in nanoseconds (std::chrono, so `5ms` and friends work).
using Duration = std::chrono::nanoseconds;

/// A point in time: nanoseconds since the Clock's origin (its counter's zero).
class Instant {
public:
    /// The origin.
    constexpr Instant() noexcept = default;
    /// `ns` nanoseconds after the origin.
    static constexpr Instant from_nanoseconds(std::uint64_t ns) noexcept { return Instant(ns); }
    /// The last representable instant (never reached).
    static constexpr Instant max() noexcept { return Instant(~std::uint64_t{0}); }

    /// Nanoseconds since the origin.
    constexpr std::uint64_t nanoseconds() const noexcept { return ns_; }

    /// `duration` later (earlier when negative); saturates at the origin and at max().
    constexpr Instant operator+(Duration duration) const noexcept {
        const auto count = duration.count();
        if (count >= 0) {
            const auto step = static_cast<std::uint64_t>(count);
            return Instant(ns_ > ~std::uint64_t{0} - step ? ~std::uint64_t{0} : ns_ + step);
        }
        const auto step = static_cast<std::uint64_t>(-(count + 1)) + 1;
        return Instant(ns_ < step ? 0 : ns_ - step);
    }
    /// `duration` earlier.
    constexpr Instant operator-(Duration duration) const noexcept { return *this + (-duration); }
    /// The time from `earlier` to this instant (negative when `earlier` is later).
    constexpr Duration operator-(Instant earlier) const noexcept {
        return Duration(static_cast<Duration::rep>(ns_ - earlier.ns_));
    }
    /// Chronological order.
    constexpr auto operator<=>(const Instant &) const noexcept = default;

private:
    constexpr explicit Instant(std::uint64_t ns) noexcept : ns_(ns) {}
    std::uint64_t ns_ = 0;
};

/// The time source and the one hardware timeout of a PD (the ARM generic timer, an sDDF
/// timer driver's protected calls, a host test's fake).
class Clock {
public:
    /// The time now (monotonic).
    virtual Instant now() noexcept = 0;
    /// Arms the hardware timeout to interrupt at `deadline` (at once if it has passed),
    /// replacing the one armed before.
    virtual void set_timeout(Instant deadline) noexcept = 0;
    /// Disarms the hardware timeout (nothing by default: an interrupt with nothing to fire is
    /// harmless).
    virtual void cancel_timeout() noexcept {}

protected:
    /// For the implementations.
    Clock() noexcept = default;
    /// Copyable as the implementation is.
    Clock(const Clock &) = default;
    /// Copyable as the implementation is.
    Clock &operator=(const Clock &) = default;
    /// Not deleted through a Clock pointer: no virtual destructor needed.
    ~Clock() = default;
};

/// What Timers::timeout gives when the time ran out first.
struct TimedOut {
    /// All TimedOuts are equal.
    constexpr bool operator==(const TimedOut &) const noexcept = default;
};

class Timers;

namespace detail {

/// An entry of the deadline queue: a node of the pairing heap, and what to do when it fires.
class TimerEntry {
public:
    /// What firing does.
    using Fire = void (*)(TimerEntry &) noexcept;

    /// Not queued.
    explicit TimerEntry(Fire fire) noexcept : fire_(fire) {}
    TimerEntry(const TimerEntry &) = delete;
    TimerEntry &operator=(const TimerEntry &) = delete;
    /// Leaves the queue if it is in it.
    inline ~TimerEntry();

    /// Whether the entry is in a queue.
    bool queued() const noexcept { return timers_ != nullptr; }
    /// The deadline it was queued with.
    Instant deadline() const noexcept { return deadline_; }

private:
    friend class sel4::async::Timers;
    bool before(const TimerEntry &other) const noexcept {
        return deadline_ < other.deadline_ || (deadline_ == other.deadline_ && sequence_ < other.sequence_);
    }
    Instant deadline_{};
    std::uint64_t sequence_ = 0;
    TimerEntry *child_ = nullptr;
    TimerEntry *next_ = nullptr; // next sibling
    TimerEntry *prev_ = nullptr; // previous sibling, or the parent of a first child
    Timers *timers_ = nullptr;
    Fire fire_;
};

} // namespace detail

/// A sleep: see Timers::sleep_until and Timers::sleep_for.
class Sleep : private detail::TimerEntry {
public:
    /// Until `deadline`; `known_future` when the deadline is known not to have passed.
    Sleep(Timers &timers, Instant deadline, bool known_future) noexcept
        : TimerEntry(&wake), timers_(timers), until_(deadline), known_future_(known_future) {}

    /// Ready when the deadline has passed.
    inline bool await_ready() const noexcept;
    /// Parks the task until the deadline.
    inline void await_suspend(std::coroutine_handle<> awaiting) noexcept;
    /// Nothing.
    void await_resume() const noexcept {}

private:
    static void wake(TimerEntry &entry) noexcept {
        auto &self = static_cast<Sleep &>(entry);
        self.node_->executor().schedule(*self.node_);
    }
    Timers &timers_;
    Instant until_;
    TaskNode *node_ = nullptr;
    bool known_future_;
};

/// A task raced against a deadline: see Timers::deadline. Gives std::expected<T, TimedOut>
/// (T's value when the task finished first; TimedOut when the deadline came first, and the
/// task was cancelled).
template <class T> class [[nodiscard]] Deadline : private detail::TimerEntry {
public:
    /// What awaiting it gives.
    using Result = std::expected<T, TimedOut>;

    /// `task` until `deadline`.
    Deadline(Timers &timers, Task<T> task, Instant deadline) noexcept
        : TimerEntry(&on_deadline), timers_(timers), task_(std::move(task)), until_(deadline),
          child_(&child_complete, &child_cancel) {}

    /// Ready when the task is empty (see task.hpp: its result is that of awaiting it).
    bool await_ready() const noexcept {
        if (!task_.valid() && !detail::carries_pool_error<T>())
            (void)detail::empty_task_result<T>();
        return !task_.valid();
    }
    /// Starts the task and the timer.
    inline void await_suspend(std::coroutine_handle<> awaiting) noexcept;
    /// The task's result, or TimedOut.
    Result await_resume() noexcept {
        if (!task_.valid() && outcome_ == Outcome::running) { // it was empty
            if constexpr (std::is_void_v<T>)
                return Result();
            else
                return Result(detail::empty_task_result<T>());
        }
        if (outcome_ == Outcome::timed_out)
            return std::unexpected(TimedOut{});
        if constexpr (std::is_void_v<T>)
            return Result();
        else
            return Result(task_.handle().promise().take());
    }

private:
    enum class Outcome : std::uint8_t { running, finished, timed_out };
    static Deadline &of(TaskNode &node) noexcept {
        return *static_cast<detail::ChildNode<Deadline> &>(node).owner;
    }
    static void child_complete(TaskNode &node) noexcept;
    static void child_cancel(TaskNode &node) noexcept { of(node).task_ = Task<T>(); }
    static void on_deadline(TimerEntry &entry) noexcept;

    Timers &timers_;
    Task<T> task_;
    Instant until_;
    detail::ChildNode<Deadline> child_;
    TaskNode *parent_ = nullptr;
    Outcome outcome_ = Outcome::running;
};

/// The deadline queue (see timers.hpp). Not copyable or movable.
class Timers {
public:
    /// Timers over `clock`.
    explicit Timers(Clock &clock) noexcept : clock_(clock) {}
    Timers(const Timers &) = delete;
    Timers &operator=(const Timers &) = delete;
    /// Drops every entry still queued: they never fire (their tasks should be gone first).
    ~Timers() {
        while (root_ != nullptr)
            pop()->timers_ = nullptr;
    }

    /// The clock.
    Clock &clock() const noexcept { return clock_; }
    /// The clock's time now.
    Instant now() const noexcept { return clock_.now(); }

    /// `co_await timers.sleep_until(deadline)`: suspends the task until `deadline` (not at all
    /// when it has passed).
    Sleep sleep_until(Instant deadline) noexcept { return Sleep(*this, deadline, false); }
    /// `co_await timers.sleep_for(duration)`: sleep_until(now() + duration); no suspension
    /// for a duration <= 0.
    Sleep sleep_for(Duration duration) noexcept {
        if (duration <= Duration::zero())
            return Sleep(*this, Instant(), false);
        return Sleep(*this, now() + duration, true);
    }

    /// `co_await timers.deadline(task, at)`: runs `task` as a child node (as when_any does)
    /// against a timer at `at`; whichever comes first wins, a task that ran out of time is
    /// cancelled. No frame of its own.
    template <class T> Deadline<T> deadline(Task<T> task, Instant at) noexcept {
        return Deadline<T>(*this, std::move(task), at);
    }
    /// `task` against a timer at `at`, as a Task of its own (one frame more than deadline()).
    /// When that frame does not fit, the Task is empty, and awaiting it aborts (TimedOut
    /// cannot carry Error::pool_exhausted): where the pool may run out, await deadline().
    template <class T> Task<std::expected<T, TimedOut>> timeout_at(Task<T> task, Instant at) noexcept {
        co_return co_await deadline(std::move(task), at);
    }
    /// `task` against a timer `duration` from now (the call), as a Task of its own (see
    /// timeout_at()).
    template <class T> Task<std::expected<T, TimedOut>> timeout(Task<T> task, Duration duration) noexcept {
        return timeout_at(std::move(task), now() + duration);
    }

    /// Fires every timer whose deadline is at or before `now`, in deadline order (ties in the
    /// order they were added), then re-arms the clock for the earliest one left (or disarms
    /// it). Returns how many fired.
    std::size_t poll(Instant now) noexcept {
        std::size_t fired = 0;
        while (root_ != nullptr && root_->deadline_ <= now) {
            detail::TimerEntry *entry = pop();
            entry->timers_ = nullptr;
            entry->fire_(*entry);
            ++fired;
        }
        if (root_ == nullptr) {
            if (armed_) {
                clock_.cancel_timeout();
                armed_.reset();
            }
        } else if (armed_ != root_->deadline_) {
            armed_ = root_->deadline_;
            clock_.set_timeout(root_->deadline_);
        }
        return fired;
    }
    /// poll(now()).
    std::size_t poll() noexcept { return poll(now()); }

    /// The earliest deadline queued, if any.
    std::optional<Instant> next_deadline() const noexcept {
        if (root_ == nullptr)
            return std::nullopt;
        return root_->deadline_;
    }
    /// How many timers are queued.
    std::size_t size() const noexcept { return size_; }
    /// Whether no timer is queued.
    bool empty() const noexcept { return size_ == 0; }

    /// Queues `entry` (not queued) to fire at `deadline`; arms the clock when it is the new
    /// earliest. For awaiters of other libraries.
    void add(detail::TimerEntry &entry, Instant deadline) noexcept {
        if (entry.timers_ != nullptr) [[unlikely]]
            detail::fatal("a timer queued twice");
        entry.deadline_ = deadline;
        entry.sequence_ = next_sequence_++;
        entry.timers_ = this;
        entry.child_ = entry.next_ = entry.prev_ = nullptr;
        root_ = root_ == nullptr ? &entry : meld(root_, &entry);
        ++size_;
        if (root_ == &entry && (!armed_ || deadline < *armed_)) {
            armed_ = deadline;
            clock_.set_timeout(deadline);
        }
    }

    /// Takes `entry` out of the queue (it must be in this one).
    void remove(detail::TimerEntry &entry) noexcept {
        entry.timers_ = nullptr;
        if (&entry == root_) {
            (void)pop();
            return;
        }
        // Cut the entry's subtree out of its parent's list of children.
        if (entry.prev_->child_ == &entry)
            entry.prev_->child_ = entry.next_;
        else
            entry.prev_->next_ = entry.next_;
        if (entry.next_ != nullptr)
            entry.next_->prev_ = entry.prev_;
        entry.next_ = entry.prev_ = nullptr;
        detail::TimerEntry *children = merge_pairs(entry.child_);
        entry.child_ = nullptr;
        if (children != nullptr)
            root_ = meld(root_, children);
        --size_;
    }

private:
    // The pairing heap (Fredman, Sedgewick, Sleator, Tarjan 1986) ordered by (deadline,
    // sequence): O(1) insertion, O(log n) amortised removal of the minimum or of any entry.

    // Melds two roots (no siblings, no parent); the earlier becomes the root, the other its
    // first child.
    static detail::TimerEntry *meld(detail::TimerEntry *a, detail::TimerEntry *b) noexcept {
        if (b->before(*a))
            std::swap(a, b);
        b->prev_ = a;
        b->next_ = a->child_;
        if (a->child_ != nullptr)
            a->child_->prev_ = b;
        a->child_ = b;
        return a;
    }
    // Melds a list of siblings into one root: pairs left to right, then the pairs right to left.
    static detail::TimerEntry *merge_pairs(detail::TimerEntry *first) noexcept {
        detail::TimerEntry *pairs = nullptr; // a stack through next_, the last pair on top
        while (first != nullptr) {
            detail::TimerEntry *a = first;
            detail::TimerEntry *b = a->next_;
            first = b == nullptr ? nullptr : b->next_;
            a->next_ = a->prev_ = nullptr;
            detail::TimerEntry *pair = a;
            if (b != nullptr) {
                b->next_ = b->prev_ = nullptr;
                pair = meld(a, b);
            }
            pair->next_ = pairs;
            pairs = pair;
        }
        if (pairs == nullptr)
            return nullptr;
        detail::TimerEntry *root = pairs;
        detail::TimerEntry *rest = root->next_;
        root->next_ = nullptr;
        while (rest != nullptr) {
            detail::TimerEntry *after = rest->next_;
            rest->next_ = nullptr;
            root = meld(root, rest);
            rest = after;
        }
        return root;
    }
    detail::TimerEntry *pop() noexcept {
        detail::TimerEntry *top = root_;
        root_ = merge_pairs(top->child_);
        top->child_ = nullptr;
        --size_;
        return top;
    }

    Clock &clock_;
    detail::TimerEntry *root_ = nullptr;
    std::size_t size_ = 0;
    std::uint64_t next_sequence_ = 0;
    std::optional<Instant> armed_;
};

// ---------------------------------------------------------------------------------------------

inline detail::TimerEntry::~TimerEntry() {
    if (timers_ != nullptr)
        timers_->remove(*this);
}

inline bool Sleep::await_ready() const noexcept { return !known_future_ && until_ <= timers_.now(); }

inline void Sleep::await_suspend(std::coroutine_handle<> awaiting) noexcept {
    node_ = &TaskNode::suspend_current(awaiting);
    timers_.add(*this, until_);
}

template <class T> void Deadline<T>::await_suspend(std::coroutine_handle<> awaiting) noexcept {
    parent_ = &TaskNode::suspend_current(awaiting);
    Executor &executor = parent_->executor();
    child_.attach(executor, parent_);
    child_.owner = this;
    task_.handle().promise().node_ = &child_;
    child_.set_leaf(task_.handle());
    executor.schedule(child_);
    timers_.add(*this, until_);
}

template <class T> void Deadline<T>::child_complete(TaskNode &node) noexcept {
    Deadline &self = of(node);
    if (self.outcome_ != Outcome::running)
        return;
    self.outcome_ = Outcome::finished;
    if (self.queued())
        self.timers_.remove(self);
    self.parent_->executor().schedule(*self.parent_);
}

template <class T> void Deadline<T>::on_deadline(TimerEntry &entry) noexcept {
    auto &self = static_cast<Deadline &>(entry);
    if (self.outcome_ != Outcome::running)
        return;
    self.outcome_ = Outcome::timed_out;
    Executor &executor = self.parent_->executor();
    executor.cancel(self.child_); // at once, or when the task next suspends if it is running
    executor.schedule(*self.parent_);
}

} // namespace sel4::async
