/// @file
/// What the generated invocations (<sel4/gen/invocations.hpp>) are written against: words and
/// capability pointers, errors and results, the IPC buffer, the Call trap that carries the
/// first message registers in machine registers, and the types of the typed methods'
/// arguments.
///
/// The typed methods take CapRights (rights.raw() goes to the stub), Badge (value()),
/// CapData (word()), CNodeCapData (its word), ObjectBlueprint (its type and size_bits),
/// RelativeCPtr (index() and depth()), AbsoluteCPtr (root(), index() and depth()), the
/// generated VM attribute enums, and Cap<Object> (cptr()).
#pragma once

#include <sel4/cap_data.hpp>
#include <sel4/cap_rights.hpp>
#include <sel4/cptr.hpp>
#include <sel4/gen/bitfields.hpp>
#include <sel4/gen/constants.hpp>
#include <sel4/object_blueprint.hpp>
#include <sel4/syscalls.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <expected>

namespace sel4 {

/// \brief The error of an invocation (seL4_Error).
using Error = gen::Error;

/// \brief The result of every typed invocation: a value, or the kernel's error.
template <class T> using Result = std::expected<T, Error>;

/// \brief An Error as a Result<void>: a value for Error::NoError, the error otherwise.
constexpr Result<void> to_result(Error error) noexcept {
    if (error == Error::NoError)
        return {};
    return std::unexpected(error);
}

/// \brief The kinds of kernel object, one tag type each, which Cap<Object> is typed by.
///
/// Tags are declared, never defined. Those of objects with invocations are declared in
/// <sel4/gen/invocations.hpp>, one per interface of the kernel; these four have none.
namespace obj {
/// \brief A capability of any kind, as the object API's bare seL4_CPtr arguments take it.
struct Unspecified;
/// \brief An endpoint: synchronous IPC.
struct Endpoint;
/// \brief A notification: an asynchronous word of signal bits.
struct Notification;
/// \brief A reply object (MCS): where a receive keeps the right to answer its caller.
struct Reply;
} // namespace obj

} // namespace sel4
