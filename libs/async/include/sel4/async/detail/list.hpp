/// @file
/// An intrusive, circular, doubly linked list: the ready queue, the wait lists and the task
/// list of the executor. The hooks live in the objects (task nodes, awaiters on coroutine
/// frames), so linking never allocates, and an object unlinks itself in O(1) when it goes
/// away: a destroyed awaiter leaves no dangling entry behind.
#pragma once

#include <cstddef>
#include <utility>

namespace sel4::async::detail {

/// The links of one list membership. `Tag` tells apart the hooks of an object that is in
/// several lists at once.
template <class Tag = void> class ListHook {
public:
    /// Not in a list.
    constexpr ListHook() noexcept = default;
    ListHook(const ListHook &) = delete;
    ListHook &operator=(const ListHook &) = delete;
    /// Leaves the list it is in, if any.
    ~ListHook() { unlink(); }

    /// Whether the object is in a list.
    bool linked() const noexcept { return next_ != nullptr; }

    /// Leaves the list it is in; nothing if it is in none.
    void unlink() noexcept {
        if (next_ == nullptr)
            return;
        prev_->next_ = next_;
        next_->prev_ = prev_;
        prev_ = next_ = nullptr;
    }

private:
    template <class, class> friend class List;
    ListHook *prev_ = nullptr;
    ListHook *next_ = nullptr;
};

/// A list of `T`s, which derive from ListHook<Tag>: FIFO order, O(1) insertion at the back,
/// removal anywhere. Immovable (its head is linked to itself).
template <class T, class Tag = void> class List {
    using Hook = ListHook<Tag>;

public:
    /// An empty list.
    List() noexcept { head_.prev_ = head_.next_ = &head_; }
    List(const List &) = delete;
    List &operator=(const List &) = delete;
    /// Unlinks whatever is still in it.
    ~List() {
        while (pop_front() != nullptr) {
        }
        head_.prev_ = head_.next_ = nullptr;
    }

    /// Whether the list is empty.
    bool empty() const noexcept { return head_.next_ == &head_; }

    /// Appends `item`, which must not be in a list of this tag.
    void push_back(T &item) noexcept {
        Hook &hook = item;
        hook.prev_ = head_.prev_;
        hook.next_ = &head_;
        head_.prev_->next_ = &hook;
        head_.prev_ = &hook;
    }

    /// The first item, or null.
    T *front() noexcept { return empty() ? nullptr : of(head_.next_); }

    /// Removes and returns the first item, or null.
    T *pop_front() noexcept {
        if (empty())
            return nullptr;
        Hook *hook = head_.next_;
        hook->unlink();
        return of(hook);
    }

    /// How many items are in the list (O(n): for statistics and tests).
    std::size_t size() const noexcept {
        std::size_t count = 0;
        for (const Hook *hook = head_.next_; hook != &head_; hook = hook->next_)
            ++count;
        return count;
    }

    /// Calls `visit(item)` for each item, front to back; `visit` may unlink the item it is
    /// given (and only that one).
    template <class F> void for_each(F &&visit) noexcept(noexcept(visit(std::declval<T &>()))) {
        for (Hook *hook = head_.next_; hook != &head_;) {
            Hook *next = hook->next_;
            visit(*of(hook));
            hook = next;
        }
    }

private:
    static T *of(Hook *hook) noexcept { return static_cast<T *>(hook); }
    Hook head_;
};

} // namespace sel4::async::detail
