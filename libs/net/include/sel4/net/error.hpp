/// @file
/// The errors of sel4::net, as values.
#pragma once

#include <sel4/async/error.hpp>

#include <cstdint>
#include <expected>

/// Async TCP/UDP sockets over lwIP (raw API, NO_SYS) on sel4::async tasks.
namespace sel4::net {

/// Why a network operation failed. Used like an enum (`Error::reset`, `switch (e.code())`);
/// a class so that it can be made from sel4::async::Error: awaiting a Task whose coroutine
/// frame did not fit in the frame pool then gives Error::pool_exhausted as a value instead
/// of an abort (see sel4/async/task.hpp).
class Error {
public:
    /// The reasons.
    enum Code : std::uint8_t {
        pool_exhausted,     ///< A coroutine frame did not fit in the PD's frame pool.
        out_of_memory,      ///< lwIP's pools (pcbs, pbufs, its heap) are exhausted.
        too_many_streams,   ///< Every TCP stream slot (max_streams) is in use.
        too_many_listeners, ///< Every TCP listener slot (max_listeners) is in use.
        too_many_sockets,   ///< Every UDP socket slot (max_udp_sockets) is in use.
        too_many_queries,   ///< Every DNS query slot (max_dns_queries) is in use.
        invalid_argument,   ///< A parameter is out of range (port 0, backlog, empty buffer, name).
        address_in_use,     ///< The local port is already bound.
        refused,            ///< The peer refused the connection (a reset answered the SYN).
        reset,              ///< The peer reset the connection.
        aborted,            ///< lwIP aborted the connection (retransmissions timed out, out of memory).
        closed,             ///< The stream or socket is closed (locally, or its write side shut down).
        no_route,           ///< No interface routes to the destination.
        message_too_large,  ///< The datagram does not fit in one IP packet.
        name_not_found,     ///< DNS: the name did not resolve (no answer, no server, timed out).
        no_address,         ///< The interface has no address (DHCP has not bound, or the stack stopped).
        stack_error,        ///< lwIP reported an error this library does not expect.
    };

    /// `code`.
    constexpr Error(Code code) noexcept : code_(code) {}
    /// An error of the async layer (the only one: a frame did not fit).
    constexpr Error(async::Error) noexcept : code_(pool_exhausted) {}

    /// The reason.
    constexpr Code code() const noexcept { return code_; }
    /// Errors are equal when their reasons are.
    friend constexpr bool operator==(Error, Error) noexcept = default;

    /// A short description, for logs.
    constexpr const char *describe() const noexcept {
        switch (code_) {
        case pool_exhausted:
            return "the coroutine frame pool is exhausted";
        case out_of_memory:
            return "lwIP is out of memory";
        case too_many_streams:
            return "too many TCP streams";
        case too_many_listeners:
            return "too many TCP listeners";
        case too_many_sockets:
            return "too many UDP sockets";
        case too_many_queries:
            return "too many DNS queries at once";
        case invalid_argument:
            return "invalid argument";
        case address_in_use:
            return "address in use";
        case refused:
            return "connection refused";
        case reset:
            return "connection reset by peer";
        case aborted:
            return "connection aborted";
        case closed:
            return "closed";
        case no_route:
            return "no route to host";
        case message_too_large:
            return "message too large";
        case name_not_found:
            return "name not found";
        case no_address:
            return "the interface has no address";
        case stack_error:
            return "unexpected lwIP error";
        }
        return "unknown sel4::net error";
    }

private:
    Code code_;
};

/// describe() as a free function, as the other sel4 libraries spell it.
constexpr const char *describe(Error error) noexcept { return error.describe(); }

/// A value or the Error that prevented it.
template <class T> using Result = std::expected<T, Error>;

} // namespace sel4::net
