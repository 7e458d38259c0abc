/// @file
/// sel4::async: the C++20 coroutine executor of a PD, its tasks, waits and timers.
#pragma once

#include <sel4/async/error.hpp>
#include <sel4/async/event.hpp>
#include <sel4/async/executor.hpp>
#include <sel4/async/frame_pool.hpp>
#include <sel4/async/task.hpp>
#include <sel4/async/timers.hpp>
#include <sel4/async/when.hpp>
