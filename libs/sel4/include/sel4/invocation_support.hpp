// What the generated invocation stubs (sel4/gen/invocations.hpp) are written against:
// words and capability pointers, errors and results, the IPC buffer, capability types,
// and the Call trap that carries the first message registers in machine registers.
#pragma once

#include <sel4/gen/bitfields.hpp>
#include <sel4/gen/constants.hpp>
#include <sel4/syscalls.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <expected>

namespace sel4 {

using Error = gen::Error;

// The result of every typed invocation: a value, or the kernel's error.
template <class T> using Result = std::expected<T, Error>;

constexpr Result<void> to_result(Error error) noexcept {
    if (error == Error::NoError)
        return {};
    return std::unexpected(error);
}

// Object tags that have no invocations of their own (the generated header adds one tag
// per object interface of the kernel).
namespace obj {
struct Unspecified;
struct Endpoint;
struct Notification;
struct Reply;
} // namespace obj

template <class Object> class Cap;

} // namespace sel4
