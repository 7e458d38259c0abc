/// @file
/// sel4::message: typed requests and responses in message registers, a label per message
/// type, and decode errors as values (sel4/message/codec.hpp, error.hpp). In a Microkit PD,
/// sel4/message/microkit.hpp calls a server through a channel and serves calls.
#pragma once

#include <sel4/message/codec.hpp>
#include <sel4/message/error.hpp>
