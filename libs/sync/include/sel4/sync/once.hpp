/// @file
/// Once on a parker: the first caller runs the function while later callers sleep until it
/// has finished; if it throws, the next caller runs it again (as std::call_once). The
/// runtime's pthread_once (beneath std::call_once) is this algorithm.
#pragma once

#include <sel4/sync/parker.hpp>

#include <climits>
#include <cstdint>
#include <functional>
#include <utility>

/// The once algorithm, on a word the caller keeps (0 before the first call).
namespace sel4::sync::once_word {

/// The word's values.
enum : std::uint32_t {
    not_yet = 0, ///< Not run (or run and thrown).
    running = 1, ///< A thread runs the function.
    waited = 2,  ///< A thread runs it and others sleep until it has finished.
    done = 3,    ///< Run to completion.
};

/// Whether the function has run to completion; an acquire, so that what it wrote is seen.
inline bool is_done(std::uint32_t &word) noexcept {
    return detail::load(word, __ATOMIC_ACQUIRE) == done;
}

/// Runs `function()` if no call did so to completion; returns once it has been, by this
/// thread or another.
template <Parker P, class Function> void call_once(std::uint32_t &word, Function &&function) {
    for (std::uint32_t seen = detail::load(word, __ATOMIC_ACQUIRE);;) {
        if (seen == done)
            return;
        if (seen == not_yet) {
            if (detail::compare_exchange(word, seen, running, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
                break;
            continue;
        }
        // Running: ask to be woken (running -> waited), then sleep while it still runs.
        if (seen == running && !detail::compare_exchange(word, seen, waited, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
            continue;
        P::wait(&word, waited);
        seen = detail::load(word, __ATOMIC_ACQUIRE);
    }
    // If the function throws, the word goes back to not_yet and the sleepers wake; one of them
    // (or a later caller) runs it again.
    struct Reset {
        std::uint32_t *word;
        ~Reset() {
            if (word != nullptr && detail::exchange(*word, not_yet, __ATOMIC_RELEASE) == waited)
                P::wake(word, INT_MAX);
        }
    } reset{&word};
    std::forward<Function>(function)();
    reset.word = nullptr;
    if (detail::exchange(word, done, __ATOMIC_RELEASE) == waited)
        P::wake(&word, INT_MAX);
}

} // namespace sel4::sync::once_word

namespace sel4::sync {

/// The flag of a call_once (std::once_flag on the parker `P`).
template <Parker P> class BasicOnceFlag {
public:
    /// A flag whose function has not run (constant-initialised).
    constexpr BasicOnceFlag() noexcept = default;
    BasicOnceFlag(const BasicOnceFlag &) = delete;
    BasicOnceFlag &operator=(const BasicOnceFlag &) = delete;

    /// Whether a call_once on this flag has run its function to completion.
    bool is_done() noexcept { return once_word::is_done(word_); }

private:
    template <Parker Q, class F, class... A> friend void call_once(BasicOnceFlag<Q> &, F &&, A &&...);
    std::uint32_t word_ = once_word::not_yet;
};

/// Calls `function(arguments...)` if no call_once on `flag` has run to completion (as
/// std::call_once): concurrent callers sleep until it has; if it throws, the exception
/// leaves this call and the next caller runs its own function.
template <Parker P, class Function, class... Arguments>
void call_once(BasicOnceFlag<P> &flag, Function &&function, Arguments &&...arguments) {
    once_word::call_once<P>(flag.word_, [&] {
        std::invoke(std::forward<Function>(function), std::forward<Arguments>(arguments)...);
    });
}

} // namespace sel4::sync
