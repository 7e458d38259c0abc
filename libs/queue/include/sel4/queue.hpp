/// @file
/// sel4::queue: sDDF 0.7's shared queues, bit-for-bit, on typed views of shared memory.
///
/// - sel4/queue/net.hpp: net::BufferDescriptor, net::QueueHeader, net::Queue (with the
///   signalling protocol), net::QueuePair {free, active};
/// - sel4/queue/blk.hpp: blk::Request, blk::Response, their codes, blk::RequestQueue (with the
///   plug), blk::ResponseQueue, blk::QueuePair;
/// - sel4/queue/ordering.hpp: SEL4_QUEUE_SMP and the barriers it selects;
/// - sel4/queue/error.hpp: Error, describe(), Result.
///
/// Single producer, single consumer; header-only; no heap, no exceptions.
#pragma once

#include <sel4/queue/blk.hpp>
#include <sel4/queue/error.hpp>
#include <sel4/queue/net.hpp>
#include <sel4/queue/ordering.hpp>
