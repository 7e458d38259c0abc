// What every arch/<arch>/arch.hpp of the initializer includes, and the functions it defines
// (namespace capdl_initializer::arch):
//   levels                          the VSpace's paging levels (0: the root)
//   page_table(level)               the ObjectBlueprint of a paging structure at that level
//   frames[]                        the arch's frame objects; vcpu(): a VCPU's blueprint, if any
//   map_table(table, level, vspace, vaddr)   maps a paging structure below the root
//   attributes(cached, executable)  a frame mapping's VM attributes
//   issue_io_ports(first, last, slot)      x86's I/O port ranges
//   irq_kind_supported(kind), get_irq_handler(kind, words, irq, slot)   the arch's IRQ objects
//   set_registers(regs, ip, sp, args, count), argument_registers   a thread's first registers
//   after_fill(frame, size)         makes instructions written into a filled frame fetchable
#pragma once

#include <sel4/capdl/spec.hpp>
#include <sel4/sel4.hpp>

#include <cstddef>
#include <iterator>
#include <optional>

namespace capdl_initializer {
using sel4::Word;
} // namespace capdl_initializer
