/// @file
/// sel4::async::Executor: the single-threaded executor of a PD (or of a root task's thread),
/// with JoinHandle<T> for spawned tasks and the waits on notification badge bits.
///
/// The executor is a FIFO ready queue of task nodes and a run loop. `run_until_stalled()`
/// resumes ready tasks, in the order they became ready, until none is ready, and returns; it
/// never blocks. Blocking is the PD's: a Microkit PD calls it from `notified()`, after
/// `wake(channels.bits())` has made ready the tasks that wait on those channels:
///
/// ```cpp
/// struct Pd : sel4::microkit::Handler {
///     sel4::async::Executor exec;
///     void notified(sel4::microkit::ChannelSet channels) {
///         exec.wake(channels.bits());
///         exec.run_until_stalled();
///     }
/// };
/// ```
///
/// Cancellation. `JoinHandle::cancel()` (and when_any for its losers, Timers::timeout for a
/// task that ran out of time) destroys the suspended coroutine chain of the task: every
/// frame from the innermost out, with the destructors of what is live in them. The awaiters
/// that parked the task are objects on those frames and unlink themselves from the wait
/// lists, the timer queue and the ready queue as they go, so nothing is left linked and the
/// task never resumes. A task that is running when it is cancelled (it cancels itself, or an
/// ancestor of its node, from its own code) goes on until it next suspends (or finishes);
/// the cancellation takes effect there, before the run loop resumes anything else. A
/// finished task that is cancelled has its result dropped.
///
/// Dropping a JoinHandle detaches the task: it runs on and its frame is freed when it
/// finishes. Destroying the Executor destroys every task it still has. Everything here is
/// single-threaded: no locks, no atomics; call it from the one thread that owns it.
#pragma once

#include <sel4/async/detail/fatal.hpp>
#include <sel4/async/detail/list.hpp>
#include <sel4/async/error.hpp>
#include <sel4/async/frame_pool.hpp>
#include <sel4/async/task.hpp>

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <new>
#include <utility>

namespace sel4::async {

template <class T> class JoinHandle;

namespace detail {

struct WaitTag;
struct TaskListTag;

/// An entry of a wait list: the node to make ready when what it waits for happens. The
/// awaiters of Event, WaitQueue and the badge waits derive from it.
class Waiter : public ListHook<WaitTag> {
public:
    /// The waiting node (set when the awaiter suspends).
    TaskNode *node = nullptr;
};

/// How far a spawned task is.
enum class TaskState : std::uint8_t { pending, done, cancelled };

/// The executor's record of a spawned task, from the frame pool beside the task's frame.
class SpawnedTask : public TaskNode, public ListHook<TaskListTag> {
public:
    SpawnedTask(Executor &executor, std::coroutine_handle<> frame) noexcept;

    /// The top coroutine of the task (null once destroyed).
    std::coroutine_handle<> frame{};
    /// The node that awaits the task's JoinHandle, if any.
    TaskNode *joiner = nullptr;
    /// How far it is.
    TaskState state = TaskState::pending;
    /// Whether no JoinHandle refers to it any more.
    bool detached = false;

    /// Destroys the record (not the frame) and returns its memory to the pool.
    static void free(SpawnedTask *task) noexcept {
        task->~SpawnedTask();
        free_block(task, sizeof(SpawnedTask));
    }
};

} // namespace detail

/// Awaiting a set of badge bits: see Executor::wait.
class BadgeWait : private detail::Waiter {
public:
    /// The wait of a task of `executor` on `bits`.
    BadgeWait(Executor &executor, Word bits) noexcept : executor_(executor), mask_(bits) {}

    /// Ready at once when one of the bits is pending (see Executor::wake), which it then
    /// consumes, or when no bits are asked for.
    inline bool await_ready() noexcept;
    /// Parks the task until wake() delivers one of the bits.
    inline void await_suspend(std::coroutine_handle<> awaiting) noexcept;
    /// The bits that were delivered: those of the wait's set in the wake-up.
    Word await_resume() const noexcept { return delivered_; }

private:
    friend class Executor;
    Executor &executor_;
    Word mask_;
    Word delivered_ = 0;
};

/// The executor (see the file's comment). Not copyable or movable: tasks refer to it.
class Executor {
public:
    /// An executor without tasks.
    Executor() noexcept = default;
    Executor(const Executor &) = delete;
    Executor &operator=(const Executor &) = delete;
    /// Destroys every task still alive (see the file's comment); the JoinHandles that remain
    /// are then of cancelled tasks.
    ~Executor();

    /// Makes `task` a task of its own, ready to run (at the back of the ready queue), and
    /// returns its handle; Error::pool_exhausted when `task` is empty (its frame did not fit)
    /// or the executor's record of it (a few dozen bytes) does not fit in the frame pool.
    template <class T> std::expected<JoinHandle<T>, Error> spawn(Task<T> task) noexcept;

    /// Runs every ready task until none is ready, then returns, never blocking. Returns how
    /// many times it resumed a task. Not to be called from inside a task.
    std::size_t run_until_stalled() noexcept;

    /// Delivers the badge bits `bits` (a notification's badge; for a Microkit PD the
    /// channels' bits, `ChannelSet::bits()`, bit i for channel i): every task that waits on
    /// one of them becomes ready and is given the bits of its set. Bits no task waits on are
    /// kept pending, as a notification keeps them, and the next wait on them completes at
    /// once. Call run_until_stalled() afterwards to run the tasks.
    void wake(Word bits) noexcept;

    /// `co_await executor.wait(bits)` suspends the task until wake() delivers one of `bits`
    /// (or completes at once if one is pending), and gives the delivered bits.
    BadgeWait wait(Word bits) noexcept { return BadgeWait(*this, bits); }

    /// The bits that were woken with no task waiting on them.
    Word pending_bits() const noexcept { return pending_; }

    /// Puts `node` at the back of the ready queue. For awaiters: each suspension is made
    /// ready once, by whatever it waits for.
    void schedule(TaskNode &node) noexcept {
        if (node.queued()) [[unlikely]]
            detail::fatal("a task was made ready twice");
        ready_.push_back(node);
    }

    /// Cancels `node`: its owner's cancel hook runs now, or, when the node is running (it or
    /// a node inside it is the running one), when the running node next suspends.
    void cancel(TaskNode &node) noexcept {
        if (on_running_path(node)) {
            node.cancel_pending_ = true;
            return;
        }
        node.unlink();
        node.on_cancel_(node);
    }

    /// Whether a task is ready.
    bool has_ready() const noexcept { return !ready_.empty(); }
    /// How many tasks are ready (O(n)).
    std::size_t ready_count() const noexcept { return ready_.size(); }
    /// How many spawned tasks the executor still has, finished ones whose JoinHandle is alive
    /// included (O(n)).
    std::size_t task_count() const noexcept { return tasks_.size(); }
    /// How many tasks wait on badge bits (O(n)).
    std::size_t badge_waiter_count() const noexcept { return badge_waiters_.size(); }

private:
    friend class BadgeWait;
    template <class T> friend class JoinHandle;
    friend class detail::SpawnedTask;

    static bool on_running_path(const TaskNode &node) noexcept {
        for (const TaskNode *running = TaskNode::current_; running != nullptr; running = running->parent_)
            if (running == &node)
                return true;
        return false;
    }
    void after_resume(TaskNode &node) noexcept;

    // A spawned task's hooks: it finished (wake its joiner), it is cancelled (destroy it).
    static void spawned_complete(TaskNode &node) noexcept {
        auto &task = static_cast<detail::SpawnedTask &>(node);
        task.state = detail::TaskState::done;
        if (TaskNode *joiner = std::exchange(task.joiner, nullptr))
            node.executor().schedule(*joiner);
    }
    static void spawned_cancel(TaskNode &node) noexcept { release(static_cast<detail::SpawnedTask &>(node)); }
    // Destroys the task's frame and its record.
    static void release(detail::SpawnedTask &task) noexcept {
        task.TaskNode::unlink();
        task.detail::ListHook<detail::TaskListTag>::unlink();
        if (std::coroutine_handle<> frame = std::exchange(task.frame, {}))
            frame.destroy();
        detail::SpawnedTask::free(&task);
    }

    detail::List<TaskNode, detail::ReadyTag> ready_;
    detail::List<detail::Waiter, detail::WaitTag> badge_waiters_;
    detail::List<detail::SpawnedTask, detail::TaskListTag> tasks_;
    Word pending_ = 0;
    bool running_ = false;
};

/// A spawned task: `co_await handle` gives its result; cancel() stops it; dropping the
/// handle detaches the task (see executor.hpp). Move-only.
template <class T> class [[nodiscard]] JoinHandle {
public:
    /// A handle of no task.
    constexpr JoinHandle() noexcept = default;
    /// Takes the task of `other`.
    JoinHandle(JoinHandle &&other) noexcept : task_(std::exchange(other.task_, nullptr)) {}
    /// Detaches its own task, takes that of `other`.
    JoinHandle &operator=(JoinHandle &&other) noexcept {
        if (this != &other) {
            detach();
            task_ = std::exchange(other.task_, nullptr);
        }
        return *this;
    }
    /// Detaches the task.
    ~JoinHandle() { detach(); }

    /// Whether the handle refers to a task.
    bool valid() const noexcept { return task_ != nullptr; }
    /// Whether the task has finished (its result waits for take() or co_await).
    bool done() const noexcept { return task_ != nullptr && task_->state == detail::TaskState::done; }
    /// Whether the task was destroyed without finishing: its Executor went away.
    bool cancelled() const noexcept { return task_ != nullptr && task_->state == detail::TaskState::cancelled; }

    /// Cancels the task (see executor.hpp); the handle is then empty.
    void cancel() noexcept {
        detail::SpawnedTask *task = std::exchange(task_, nullptr);
        if (task == nullptr)
            return;
        task->detached = true;
        if (task->state == detail::TaskState::cancelled)
            detail::SpawnedTask::free(task);
        else
            task->executor().cancel(*task);
    }

    /// Lets the task run on without the handle; a finished task's result is dropped. The
    /// handle is then empty.
    void detach() noexcept {
        detail::SpawnedTask *task = std::exchange(task_, nullptr);
        if (task == nullptr)
            return;
        if (task->state == detail::TaskState::cancelled)
            detail::SpawnedTask::free(task);
        else if (task->state == detail::TaskState::done && !task->executor().on_running_path(*task))
            Executor::release(*task);
        else
            task->detached = true; // the run loop releases it when it finishes
    }

    /// The result of the finished task (done() must be true); the handle is then empty.
    T take() noexcept {
        if (!done()) [[unlikely]]
            detail::fatal("JoinHandle::take() of a task that has not finished");
        return take_result();
    }

    /// Awaiting the handle waits for the task to finish and gives its result.
    class Awaiter {
    public:
        /// On `handle`.
        explicit Awaiter(JoinHandle &handle) noexcept : handle_(handle) {}
        Awaiter(const Awaiter &) = delete;
        Awaiter &operator=(const Awaiter &) = delete;
        /// Stops waiting when the awaiting task is cancelled.
        ~Awaiter() {
            if (joined_ != nullptr && joined_->joiner == waiting_)
                joined_->joiner = nullptr;
        }
        /// Ready when the task has finished.
        bool await_ready() const noexcept {
            if (handle_.task_ == nullptr) [[unlikely]]
                detail::fatal("co_await of an empty JoinHandle");
            return handle_.task_->state != detail::TaskState::pending;
        }
        /// Parks the awaiting task until the task finishes.
        void await_suspend(std::coroutine_handle<> awaiting) noexcept {
            detail::SpawnedTask *task = handle_.task_;
            if (task->joiner != nullptr) [[unlikely]]
                detail::fatal("a JoinHandle awaited twice at once");
            waiting_ = &TaskNode::suspend_current(awaiting);
            joined_ = task;
            task->joiner = waiting_;
        }
        /// The task's result; the handle is then empty.
        T await_resume() noexcept {
            joined_ = nullptr;
            if (handle_.task_->state != detail::TaskState::done) [[unlikely]]
                detail::fatal("co_await of a JoinHandle whose task was cancelled");
            return handle_.take_result();
        }

    private:
        JoinHandle &handle_;
        detail::SpawnedTask *joined_ = nullptr;
        TaskNode *waiting_ = nullptr;
    };
    /// `co_await handle`.
    Awaiter operator co_await() & noexcept { return Awaiter(*this); }
    /// `co_await std::move(handle)`.
    Awaiter operator co_await() && noexcept { return Awaiter(*this); }

private:
    friend class Executor;
    explicit JoinHandle(detail::SpawnedTask *task) noexcept : task_(task) {}
    T take_result() noexcept {
        auto frame = std::coroutine_handle<detail::Promise<T>>::from_address(task_->frame.address());
        if constexpr (std::is_void_v<T>) {
            detach();
        } else {
            T result = frame.promise().take();
            detach();
            return result;
        }
    }
    detail::SpawnedTask *task_ = nullptr;
};

/// `co_await yield()` puts the task at the back of the ready queue, letting the others run.
struct Yield {
    /// Always suspends.
    bool await_ready() const noexcept { return false; }
    /// Back into the ready queue.
    void await_suspend(std::coroutine_handle<> awaiting) noexcept {
        TaskNode &node = TaskNode::suspend_current(awaiting);
        node.executor().schedule(node);
    }
    /// Nothing.
    void await_resume() const noexcept {}
};
/// See Yield.
inline Yield yield() noexcept { return {}; }

/// `co_await wait_for_badge(bits)`: Executor::wait on the executor of the running task.
inline BadgeWait wait_for_badge(Word bits) noexcept {
    TaskNode *node = TaskNode::current();
    if (node == nullptr) [[unlikely]]
        detail::fatal("wait_for_badge() outside of a task");
    return node->executor().wait(bits);
}

// ---------------------------------------------------------------------------------------------

inline detail::SpawnedTask::SpawnedTask(Executor &executor, std::coroutine_handle<> top) noexcept
    : TaskNode(&executor, nullptr, &Executor::spawned_complete, &Executor::spawned_cancel), frame(top) {
    set_leaf(top);
}

inline bool BadgeWait::await_ready() noexcept {
    if (mask_ == 0)
        return true;
    const Word hit = executor_.pending_ & mask_;
    if (hit == 0)
        return false;
    executor_.pending_ &= ~hit;
    delivered_ = hit;
    return true;
}

inline void BadgeWait::await_suspend(std::coroutine_handle<> awaiting) noexcept {
    node = &TaskNode::suspend_current(awaiting);
    executor_.badge_waiters_.push_back(*this);
}

template <class T> std::expected<JoinHandle<T>, Error> Executor::spawn(Task<T> task) noexcept {
    if (!task.valid())
        return std::unexpected(Error::pool_exhausted);
    if (task.done()) [[unlikely]]
        detail::fatal("spawn() of a Task that has already run");
    void *memory = detail::allocate_block(sizeof(detail::SpawnedTask));
    if (memory == nullptr)
        return std::unexpected(Error::pool_exhausted); // `task` frees its frame
    auto top = task.release();
    auto *record = new (memory) detail::SpawnedTask(*this, top);
    top.promise().node_ = record;
    tasks_.push_back(*record);
    schedule(*record);
    return JoinHandle<T>(record);
}

inline std::size_t Executor::run_until_stalled() noexcept {
    if (running_) [[unlikely]]
        detail::fatal("run_until_stalled() called from inside a task");
    running_ = true;
    std::size_t resumed = 0;
    while (TaskNode *node = ready_.pop_front()) {
        TaskNode::current_ = node;
        node->leaf_.resume();
        TaskNode::current_ = nullptr;
        ++resumed;
        after_resume(*node);
    }
    running_ = false;
    return resumed;
}

// After a node suspended (or finished): a cancellation of a node on its path that came while
// it ran (the outermost wins: it destroys the inner ones with it), or the release of its
// spawned task when that finished with no handle left.
inline void Executor::after_resume(TaskNode &node) noexcept {
    TaskNode *cancelled = nullptr;
    TaskNode *root = &node;
    for (TaskNode *at = &node; at != nullptr; at = at->parent_) {
        if (at->cancel_pending_)
            cancelled = at;
        root = at;
    }
    if (cancelled != nullptr) {
        cancelled->cancel_pending_ = false;
        cancelled->unlink();
        cancelled->on_cancel_(*cancelled);
        return;
    }
    if (root->on_complete_ == &spawned_complete) {
        auto &task = static_cast<detail::SpawnedTask &>(*root);
        if (task.state == detail::TaskState::done && task.detached)
            release(task);
    }
}

inline void Executor::wake(Word bits) noexcept {
    Word taken = 0;
    badge_waiters_.for_each([&](detail::Waiter &entry) {
        auto &wait = static_cast<BadgeWait &>(entry);
        const Word hit = wait.mask_ & bits;
        if (hit == 0)
            return;
        wait.delivered_ = hit;
        taken |= hit;
        wait.unlink();
        schedule(*wait.node);
    });
    pending_ |= bits & ~taken;
}

inline Executor::~Executor() {
    while (detail::SpawnedTask *task = tasks_.front()) {
        task->TaskNode::unlink();
        task->detail::ListHook<detail::TaskListTag>::unlink();
        task->state = detail::TaskState::cancelled;
        if (std::coroutine_handle<> frame = std::exchange(task->frame, {}))
            frame.destroy();
        if (task->detached)
            detail::SpawnedTask::free(task);
    }
}

} // namespace sel4::async
