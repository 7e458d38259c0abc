/// @file
/// What a client of the virtio-blk driver (virtio_blk_driver.elf) agrees on with it: the
/// capacity of the sDDF block queues, the setvar names, the channel. The client itself is
/// libs/block's QueueBlockDevice over the same queues (sel4/block.hpp).
///
/// The system description, for the driver (setvar names in quotes; see
/// drivers/virtio/README.md for the slots of each machine):
///   - the virtio-mmio registers: an MR of 0x1000 at the page of the device's slot, mapped
///     cached="false", setvar_vaddr "regs_vaddr", setvar_size "regs_size", `<setvar
///     symbol="regs_paddr" region_paddr="..."/>`. The driver looks at each slot of the page
///     (0x200 apart on aarch64's virt machine, one per page on riscv64's) and drives the first
///     virtio-blk device there; several drivers may map the same page;
///   - the request queue, the response queue (an MR of 0x1000 each), setvar_vaddr/size
///     "requests_vaddr"/"requests_size", "responses_vaddr"/"responses_size";
///   - the storage information (0x1000), "info_vaddr"/"info_size";
///   - the client's data region, mapped read-only for its bounds, "data_vaddr"/"data_size",
///     and `<setvar symbol="data_paddr" region_paddr="..."/>`;
///   - the driver's DMA memory (rings, request headers: 0x4000), "dma_vaddr"/"dma_size" and
///     `<setvar symbol="dma_paddr" region_paddr="..."/>`;
///   - channel 0: the client; channel 1: the device's IRQ; a priority above the client's.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sel4::drivers::blk {

/// The capacity of the request and of the response queue (each in an MR of 0x1000).
inline constexpr std::uint32_t queue_capacity = 64;
/// The driver's channel to its client (the client's id for the driver is its own choice).
inline constexpr unsigned client_channel = 0;
/// The driver's channel of the device's IRQ.
inline constexpr unsigned irq_channel = 1;

} // namespace sel4::drivers::blk
