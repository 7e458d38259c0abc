/// @file
/// sel4::async::Task<T>: a lazy C++20 coroutine whose frame comes from the PD's FramePool.
///
/// A Task does nothing until it is awaited (`co_await task`, which runs it as part of the
/// awaiting coroutine, with symmetric transfer both ways: a million synchronously completing
/// awaits in a loop use no more stack than one) or spawned on an Executor. It is move-only;
/// destroying a Task destroys its coroutine frame, running the destructors of whatever is
/// live in it (this is how cancellation works: see executor.hpp).
///
/// When the frame does not fit in the pool, the coroutine is not created: the Task is empty
/// (`valid()` false). Executor::spawn returns Error::pool_exhausted for it. `co_await` of an
/// empty Task completes at once without running anything, and its result is
///   - `std::unexpected(E(Error::pool_exhausted))` when T is `std::expected<U, E>` and E is
///     constructible from sel4::async::Error (the error travels as a value), otherwise
///   - an abort naming the cause ("co_await of an empty Task ..."), since there is no T to
///     give. Check valid() first where that matters.
/// Tasks run with -fno-exceptions; an exception that leaves a task's body aborts.
#pragma once

#include <sel4/async/detail/fatal.hpp>
#include <sel4/async/detail/list.hpp>
#include <sel4/async/error.hpp>
#include <sel4/async/frame_pool.hpp>

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

namespace sel4 {
/// A machine word (the bindings' sel4::Word): notification badges, channel sets.
using Word = std::uintptr_t;
} // namespace sel4

namespace sel4::async {

class Executor;
template <class T> class Task;

namespace detail {
struct ReadyTag;
} // namespace detail

/// One thread of control of the executor: a spawned task, or a child that when_all,
/// when_any or Timers::timeout runs beside its siblings. It is what the ready queue holds:
/// resuming it resumes `leaf`, the innermost coroutine of its chain, where it last suspended.
/// It lives where its owner puts it (the executor's record of a spawned task, or an awaiter
/// on the parent's frame), never on a heap. Awaiters of other libraries use
/// TaskNode::current() and Executor::schedule() to park and wake tasks (or simply Event and
/// WaitQueue, event.hpp).
class TaskNode : public detail::ListHook<detail::ReadyTag> {
public:
    /// What the owner does when the node's top coroutine finishes, or when the node is to be
    /// cancelled (see Executor::cancel).
    using Hook = void (*)(TaskNode &) noexcept;

    /// A node of `executor` inside `parent` (null for a spawned task).
    TaskNode(Executor *executor, TaskNode *parent, Hook on_complete, Hook on_cancel) noexcept
        : executor_(executor), parent_(parent), on_complete_(on_complete), on_cancel_(on_cancel) {}
    /// A node that attach() places later (a child of an awaiter, before it is awaited).
    TaskNode(Hook on_complete, Hook on_cancel) noexcept : TaskNode(nullptr, nullptr, on_complete, on_cancel) {}

    /// Makes the node one of `executor`, running inside `parent`.
    void attach(Executor &executor, TaskNode *parent) noexcept {
        executor_ = &executor;
        parent_ = parent;
    }

    /// The node that is running now (the run loop sets it), or null outside of tasks.
    static TaskNode *current() noexcept { return current_; }

    /// Notes that the running node suspends at `leaf` and returns it; aborts when no node is
    /// running (an await outside of the executor's tasks).
    static TaskNode &suspend_current(std::coroutine_handle<> leaf) noexcept {
        TaskNode *node = current_;
        if (node == nullptr) [[unlikely]]
            detail::fatal("a task suspended outside of an Executor's run loop");
        node->leaf_ = leaf;
        return *node;
    }

    /// The executor the node runs on.
    Executor &executor() const noexcept { return *executor_; }
    /// The node inside which this one runs, or null.
    TaskNode *parent() const noexcept { return parent_; }
    /// Whether the node is in the ready queue.
    bool queued() const noexcept { return linked(); }

    /// Where the node resumes.
    std::coroutine_handle<> leaf() const noexcept { return leaf_; }
    /// Sets where the node resumes (its top coroutine, before it first runs).
    void set_leaf(std::coroutine_handle<> leaf) noexcept { leaf_ = leaf; }

    /// Called from the final suspension of the node's top coroutine.
    void complete() noexcept { on_complete_(*this); }

private:
    friend class Executor;
    std::coroutine_handle<> leaf_{};
    Executor *executor_;
    TaskNode *parent_;
    Hook on_complete_;
    Hook on_cancel_;
    bool cancel_pending_ = false;

    static inline constinit TaskNode *current_ = nullptr;
};

namespace detail {

/// What a coroutine does at its end: back to the coroutine that awaited it (symmetric
/// transfer), or, at the top of a node, tell the node's owner and return to the run loop.
struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class Promise> std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
        auto &promise = self.promise();
        if (promise.continuation_)
            return promise.continuation_;
        if (promise.node_ != nullptr)
            promise.node_->complete();
        return std::noop_coroutine();
    }
    void await_resume() const noexcept {}
};

/// The part of a Task's promise that does not depend on T.
class PromiseBase {
public:
    /// The frame, from the current FramePool; null when it does not fit.
    static void *operator new(std::size_t bytes) noexcept { return allocate_frame(bytes); }
    /// Back to the pool.
    static void operator delete(void *frame, std::size_t bytes) noexcept { free_block(frame, bytes); }

    /// Lazy: nothing runs until the Task is awaited or spawned.
    std::suspend_always initial_suspend() const noexcept { return {}; }
    /// See FinalAwaiter.
    FinalAwaiter final_suspend() const noexcept { return {}; }
    /// Tasks do not propagate exceptions: the PD aborts.
    [[noreturn]] void unhandled_exception() const noexcept { fatal("an exception escaped a Task"); }

    /// The coroutine that awaits this one (null at the top of a node).
    std::coroutine_handle<> continuation_{};
    /// The node whose top coroutine this is (null when it is awaited).
    TaskNode *node_ = nullptr;
};

/// A Task<T>'s promise: the result, once it is there.
template <class T> class Promise : public PromiseBase {
public:
    /// The Task over this frame.
    Task<T> get_return_object() noexcept;
    /// An empty Task, when the frame did not fit.
    static Task<T> get_return_object_on_allocation_failure() noexcept;

    /// `co_return value;`
    template <class U = T> void return_value(U &&value) noexcept(std::is_nothrow_constructible_v<T, U &&>) {
        value_.emplace(std::forward<U>(value));
    }
    /// The result, moved out.
    T take() noexcept(std::is_nothrow_move_constructible_v<T>) { return std::move(*value_); }

private:
    std::optional<T> value_;
};

/// A Task<void>'s promise.
template <> class Promise<void> : public PromiseBase {
public:
    /// The Task over this frame.
    Task<void> get_return_object() noexcept;
    /// An empty Task, when the frame did not fit.
    static Task<void> get_return_object_on_allocation_failure() noexcept;
    /// `co_return;`
    void return_void() const noexcept {}
    /// Nothing.
    void take() const noexcept {}
};

template <class T> struct IsExpected : std::false_type {};
template <class U, class E> struct IsExpected<std::expected<U, E>> : std::true_type {};

/// Whether awaiting an empty Task<T> can give the error as a value: T is
/// `std::expected<U, E>` with E constructible from Error.
template <class T> constexpr bool carries_pool_error() noexcept {
    if constexpr (IsExpected<T>::value)
        return std::is_constructible_v<typename T::error_type, Error>;
    else
        return false;
}

/// The result of awaiting an empty Task<T> (see the file's comment).
template <class T> T empty_task_result() noexcept {
    if constexpr (carries_pool_error<T>())
        return T(std::unexpect, typename T::error_type(Error::pool_exhausted));
    else
        fatal("co_await of an empty Task (its coroutine frame did not fit in the frame pool, or it was moved "
              "from)");
}

} // namespace detail

/// A lazy coroutine that produces a T (see the file's comment).
template <class T = void> class [[nodiscard]] Task {
    static_assert(!std::is_reference_v<T>, "Task<T&> is not supported: return a pointer");

public:
    /// The coroutine's promise.
    using promise_type = detail::Promise<T>;
    /// What awaiting the task gives.
    using value_type = T;

    /// An empty Task.
    constexpr Task() noexcept = default;
    /// Takes the coroutine of `other`, which becomes empty.
    Task(Task &&other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    /// Destroys its own coroutine, takes that of `other`.
    Task &operator=(Task &&other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    /// Destroys the coroutine (its frame and whatever is live in it).
    ~Task() { reset(); }

    /// Whether the Task holds a coroutine (false when its frame did not fit, or moved from).
    bool valid() const noexcept { return static_cast<bool>(handle_); }
    /// valid().
    explicit operator bool() const noexcept { return valid(); }
    /// Whether the coroutine has finished.
    bool done() const noexcept { return handle_ && handle_.done(); }

    /// Awaiting a Task runs it to its end within the awaiting coroutine's task.
    class Awaiter {
    public:
        /// Over the coroutine `handle` (may be null).
        explicit Awaiter(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
        /// An empty Task completes at once (see the file's comment).
        bool await_ready() const noexcept {
            if (handle_ && handle_.done()) [[unlikely]]
                detail::fatal("co_await of a Task that has already run");
            return !handle_;
        }
        /// Starts the task; it comes back to `awaiting` at its end.
        std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
            handle_.promise().continuation_ = awaiting;
            return handle_;
        }
        /// The task's result.
        T await_resume() noexcept {
            if (!handle_) [[unlikely]]
                return detail::empty_task_result<T>();
            return handle_.promise().take();
        }

    private:
        std::coroutine_handle<promise_type> handle_;
    };
    /// `co_await task` (lvalue or rvalue: the Task keeps its frame until it is destroyed).
    Awaiter operator co_await() const & noexcept { return Awaiter(handle_); }
    /// `co_await make_task()`.
    Awaiter operator co_await() const && noexcept { return Awaiter(handle_); }

    /// The coroutine, still owned by the Task.
    std::coroutine_handle<promise_type> handle() const noexcept { return handle_; }
    /// Gives up the coroutine to the caller, who destroys it.
    std::coroutine_handle<promise_type> release() noexcept { return std::exchange(handle_, {}); }

private:
    friend promise_type;
    explicit Task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
    void reset() noexcept {
        if (handle_)
            std::exchange(handle_, {}).destroy();
    }
    std::coroutine_handle<promise_type> handle_{};
};

namespace detail {
template <class T> Task<T> Promise<T>::get_return_object() noexcept {
    return Task<T>(std::coroutine_handle<Promise>::from_promise(*this));
}
template <class T> Task<T> Promise<T>::get_return_object_on_allocation_failure() noexcept { return Task<T>(); }
inline Task<void> Promise<void>::get_return_object() noexcept {
    return Task<void>(std::coroutine_handle<Promise>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object_on_allocation_failure() noexcept { return Task<void>(); }
} // namespace detail

} // namespace sel4::async
