// A fixed-size list of handlers that any thread may add to, run last registered first: the
// exit handlers of __cxa_atexit and atexit (src/ctors.cpp), and those of at_quick_exit
// (src/exit.cpp).
#pragma once

#include <atomic>
#include <cstddef>

namespace sel4_runtime {

template <class Handler, std::size_t capacity> class HandlerList {
public:
    // false when the list is full.
    bool add(Handler handler) noexcept {
        const std::size_t index = count_.fetch_add(1);
        if (index >= capacity) {
            count_.fetch_sub(1);
            return false;
        }
        handlers_[index] = handler;
        return true;
    }

    // Runs run(handler) for every handler, last registered first, and empties the list.
    template <class Run> void run_in_reverse(Run run) noexcept {
        for (std::size_t i = count_.exchange(0); i-- > 0;)
            run(handlers_[i]);
    }

private:
    Handler handlers_[capacity]{};
    std::atomic<std::size_t> count_{0};
};

} // namespace sel4_runtime
