/// @file
/// sel4::shared_memory: typed, bounds-checked views of memory shared with another protection
/// domain, so that no driver or server casts raw pointers into a peer's memory.
///
/// - sel4/shared_memory/region.hpp: Region {base, size}: subregion, ref<T>, slice<T>,
///   copy_in, copy_out;
/// - sel4/shared_memory/ref.hpp: Ref<T>: whole-value volatile read/write, field access by
///   member pointer, volatile (read/write) or atomic (load/store with a memory order);
/// - sel4/shared_memory/slice.hpp: Slice<T>: n `T`s, at(i) checked;
/// - sel4/shared_memory/error.hpp: Error, describe(), Result.
///
/// Header-only; no heap, no exceptions.
#pragma once

#include <sel4/shared_memory/error.hpp>
#include <sel4/shared_memory/ref.hpp>
#include <sel4/shared_memory/region.hpp>
#include <sel4/shared_memory/slice.hpp>
