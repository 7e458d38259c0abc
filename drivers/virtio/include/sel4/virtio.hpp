/// @file
/// sel4::virtio: the virtio-mmio transport (version 2) and split virtqueues for the drivers
/// in drivers/virtio-*: sel4/virtio/mmio.hpp (registers, handshake, features, queues,
/// configuration), sel4/virtio/virtqueue.hpp (DMA memory, SplitQueue), sel4/virtio/error.hpp.
/// Header-only, no heap; every value a device reports is checked (Error).
#pragma once

#include <sel4/virtio/error.hpp>
#include <sel4/virtio/mmio.hpp>
#include <sel4/virtio/virtqueue.hpp>
#include <sel4/virtio/slots.hpp>
