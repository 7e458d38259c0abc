/// @file
/// Running tasks side by side within one task: when_all (wait for every one) and when_any
/// (wait for the first; the others are cancelled).
///
/// `co_await when_all(a(), b())` runs each task as a child node of the awaiting task's node:
/// the children start in argument order (each goes to the back of the ready queue), run
/// interleaved with everything else, and the awaiting task resumes when the last one has
/// finished, with a std::tuple of the results (std::monostate for a Task<void>).
///
/// `co_await when_any(a(), b())` gives a std::variant of the results whose index is that of
/// the first task to finish (a tie cannot happen: tasks finish one at a time, in run order).
/// As soon as it has finished, the others are cancelled: their suspended chains are destroyed
/// (see executor.hpp) before the awaiting task resumes.
///
/// The awaitables live on the awaiting coroutine's frame (no allocation besides the tasks'
/// own frames) and cannot be moved. Cancelling the awaiting task destroys the children. An
/// empty task among the arguments finishes at once, with the result awaiting an empty Task
/// gives (task.hpp): the error as a value when its result type carries it, an abort
/// otherwise.
#pragma once

#include <sel4/async/detail/fatal.hpp>
#include <sel4/async/executor.hpp>
#include <sel4/async/task.hpp>

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

namespace sel4::async {

/// What awaiting a Task<T> gives, as a value: T, or std::monostate for void.
template <class T> using ResultOf = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

namespace detail {

/// A child node of an awaiter: which one it is of its owner's.
template <class Owner> class ChildNode : public TaskNode {
public:
    ChildNode(Hook on_complete, Hook on_cancel) noexcept : TaskNode(on_complete, on_cancel) {}
    Owner *owner = nullptr;
    std::size_t index = 0;
};

/// The tasks of a when_all or when_any and their nodes.
template <class Derived, class... Ts> class ChildTasks {
protected:
    static constexpr std::size_t count = sizeof...(Ts);
    using Child = ChildNode<Derived>;

    explicit ChildTasks(Task<Ts>... tasks) noexcept
        : tasks_(std::move(tasks)...), children_(make_children(std::make_index_sequence<count>())) {}

    template <std::size_t I> bool valid() const noexcept { return std::get<I>(tasks_).valid(); }
    template <std::size_t... Is> std::size_t valid_count(std::index_sequence<Is...>) const noexcept {
        return (std::size_t{0} + ... + (valid<Is>() ? 1u : 0u));
    }

    // Aborts when an empty task's result could not carry the error (before running anything).
    template <std::size_t... Is> void check_empty(std::index_sequence<Is...>) const noexcept {
        (check_empty_one<Is>(), ...);
    }
    template <std::size_t I> void check_empty_one() const noexcept {
        using T = std::tuple_element_t<I, std::tuple<Ts...>>;
        if constexpr (!carries_pool_error<T>())
            if (!valid<I>())
                (void)empty_task_result<T>();
    }

    // Starts the valid children, inside `parent`.
    template <std::size_t... Is> void start(TaskNode &parent, std::index_sequence<Is...>) noexcept {
        (start_one<Is>(parent), ...);
    }
    template <std::size_t I> void start_one(TaskNode &parent) noexcept {
        auto &task = std::get<I>(tasks_);
        if (!task.valid())
            return;
        Child &child = children_[I];
        child.attach(parent.executor(), &parent);
        child.owner = static_cast<Derived *>(this);
        child.index = I;
        task.handle().promise().node_ = &child;
        child.set_leaf(task.handle());
        parent.executor().schedule(child);
    }

    // The result of child I, as a value.
    template <std::size_t I> auto take() noexcept {
        using T = std::tuple_element_t<I, std::tuple<Ts...>>;
        auto &task = std::get<I>(tasks_);
        if constexpr (std::is_void_v<T>) {
            if (!task.valid())
                empty_task_result<T>();
            return std::monostate{};
        } else {
            if (!task.valid())
                return empty_task_result<T>();
            return task.handle().promise().take();
        }
    }

    // Destroys child I's task (its node is already out of the ready queue).
    template <std::size_t... Is> void destroy(std::size_t index, std::index_sequence<Is...>) noexcept {
        ((index == Is ? (void)(std::get<Is>(tasks_) = {}) : (void)0), ...);
    }

    std::tuple<Task<Ts>...> tasks_;
    std::array<Child, count> children_;

private:
    template <std::size_t... Is> static std::array<Child, count> make_children(std::index_sequence<Is...>) noexcept {
        return {((void)Is, Child(&Derived::child_complete, &Derived::child_cancel))...};
    }
};

} // namespace detail

/// The awaitable of when_all (see when.hpp).
template <class... Ts> class [[nodiscard]] WhenAll : private detail::ChildTasks<WhenAll<Ts...>, Ts...> {
    using Base = detail::ChildTasks<WhenAll<Ts...>, Ts...>;
    friend Base;
    using Indices = std::make_index_sequence<sizeof...(Ts)>;

public:
    /// What awaiting it gives.
    using Result = std::tuple<ResultOf<Ts>...>;

    /// Over `tasks`.
    explicit WhenAll(Task<Ts>... tasks) noexcept : Base(std::move(tasks)...) {}
    WhenAll(const WhenAll &) = delete;
    WhenAll &operator=(const WhenAll &) = delete;

    /// Ready when no task needs to run.
    bool await_ready() noexcept {
        this->check_empty(Indices());
        remaining_ = this->valid_count(Indices());
        return remaining_ == 0;
    }
    /// Starts the tasks; the awaiting task resumes when the last one finishes.
    void await_suspend(std::coroutine_handle<> awaiting) noexcept {
        parent_ = &TaskNode::suspend_current(awaiting);
        this->start(*parent_, Indices());
    }
    /// The results, in argument order.
    Result await_resume() noexcept { return results(Indices()); }

private:
    template <std::size_t... Is> Result results(std::index_sequence<Is...>) noexcept {
        return Result(this->template take<Is>()...);
    }
    static void child_complete(TaskNode &node) noexcept {
        WhenAll &self = *static_cast<typename Base::Child &>(node).owner;
        if (--self.remaining_ == 0)
            self.parent_->executor().schedule(*self.parent_);
    }
    // A when_all child is only ever destroyed with its parent.
    static void child_cancel(TaskNode &) noexcept { detail::fatal("a when_all child cancelled on its own"); }

    TaskNode *parent_ = nullptr;
    std::size_t remaining_ = 0;
};

/// The awaitable of when_any (see when.hpp).
template <class... Ts> class [[nodiscard]] WhenAny : private detail::ChildTasks<WhenAny<Ts...>, Ts...> {
    static_assert(sizeof...(Ts) > 0, "when_any of no tasks would never finish");
    using Base = detail::ChildTasks<WhenAny<Ts...>, Ts...>;
    friend Base;
    using Indices = std::make_index_sequence<sizeof...(Ts)>;
    static constexpr std::size_t none = sizeof...(Ts);

public:
    /// What awaiting it gives: the first finished task's result, at its index.
    using Result = std::variant<ResultOf<Ts>...>;

    /// Over `tasks`.
    explicit WhenAny(Task<Ts>... tasks) noexcept : Base(std::move(tasks)...) {}
    WhenAny(const WhenAny &) = delete;
    WhenAny &operator=(const WhenAny &) = delete;

    /// Ready when a task is empty: it is the first to finish.
    bool await_ready() noexcept {
        this->check_empty(Indices());
        winner_ = first_empty(Indices());
        return winner_ != none;
    }
    /// Starts the tasks; the awaiting task resumes when the first one finishes.
    void await_suspend(std::coroutine_handle<> awaiting) noexcept {
        parent_ = &TaskNode::suspend_current(awaiting);
        this->start(*parent_, Indices());
    }
    /// The first finished task's result.
    Result await_resume() noexcept { return result<0>(); }

    /// The index of the task that finished first (after the await).
    std::size_t index() const noexcept { return winner_; }

private:
    template <std::size_t... Is> std::size_t first_empty(std::index_sequence<Is...>) const noexcept {
        std::size_t first = none;
        ((first == none && !this->template valid<Is>() ? (void)(first = Is) : (void)0), ...);
        return first;
    }
    template <std::size_t I> Result result() noexcept {
        if constexpr (I + 1 < sizeof...(Ts))
            if (winner_ != I)
                return result<I + 1>();
        return Result(std::in_place_index<I>, this->template take<I>());
    }
    static void child_complete(TaskNode &node) noexcept {
        auto &child = static_cast<typename Base::Child &>(node);
        WhenAny &self = *child.owner;
        if (self.winner_ != none)
            return;
        self.winner_ = child.index;
        Executor &executor = self.parent_->executor();
        for (auto &other : self.children_)
            if (&other != &child && other.owner != nullptr)
                executor.cancel(other);
        executor.schedule(*self.parent_);
    }
    static void child_cancel(TaskNode &node) noexcept {
        auto &child = static_cast<typename Base::Child &>(node);
        child.owner->destroy(child.index, Indices());
        child.owner = nullptr;
    }

    TaskNode *parent_ = nullptr;
    std::size_t winner_ = none;
};

/// `co_await when_all(tasks...)`: see when.hpp.
template <class... Ts> WhenAll<Ts...> when_all(Task<Ts>... tasks) noexcept { return WhenAll<Ts...>(std::move(tasks)...); }

/// `co_await when_any(tasks...)`: see when.hpp.
template <class... Ts> WhenAny<Ts...> when_any(Task<Ts>... tasks) noexcept { return WhenAny<Ts...>(std::move(tasks)...); }

} // namespace sel4::async
