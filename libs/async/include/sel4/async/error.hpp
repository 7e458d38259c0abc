/// @file
/// The errors of sel4::async, as values.
#pragma once

namespace sel4::async {

/// What went wrong in the executor.
enum class Error {
    /// The task's coroutine frame (or the executor's record of a spawned task) did not fit in
    /// the frame pool, or the Task was empty (moved from).
    pool_exhausted,
};

/// A short description of `error`, for logs.
constexpr const char *describe(Error error) noexcept {
    switch (error) {
    case Error::pool_exhausted:
        return "the coroutine frame pool is exhausted";
    }
    return "unknown sel4::async error";
}

} // namespace sel4::async
