/// @file
/// sel4::block: async block I/O (every header of the library).
#pragma once

#include <sel4/block/byte_reader.hpp>
#include <sel4/block/cache.hpp>
#include <sel4/block/device.hpp>
#include <sel4/block/error.hpp>
#include <sel4/block/mbr.hpp>
#include <sel4/block/partition.hpp>
#include <sel4/block/queue_device.hpp>
#include <sel4/block/ram_device.hpp>
#include <sel4/block/server.hpp>
#include <sel4/block/storage_info.hpp>
