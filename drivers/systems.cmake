# Systems of a client PD and the drivers it uses, on this world's QEMU machine.
#
#   cpp_sel4_driver_system(<template> <output> CLIENT <pd> DRIVERS <driver>...)
#
# configures <template> (a .system file with @VARIABLES@) into <output>. DRIVERS are among
# net, blk, rng, timer, rtc, serial; the template gets
#   @DRIVERS@            the drivers' memory regions and protection domains, with the device
#                        pages and interrupts of this machine (priorities 150..200: above any
#                        client's, as protected calls to them need);
#   @CHANNELS@           a channel from each driver to CLIENT, at the client's standard ids:
#                        net 1, timer 2, rng 3, blk 4, serial 5, rtc 6 (pp="true" at the client
#                        for net, timer, rng and rtc);
#   @NET_CLIENT_MAPS@, @BLK_CLIENT_MAPS@, @SERIAL_CLIENT_MAPS@
#                        the maps inside CLIENT's <protection_domain> that the drivers' client
#                        libraries find by their setvar names.
# The devices: virtio-mmio slots 0 (net), 1 (blk) and 2 (rng), as QEMU's
# `bus=virtio-mmio-bus.N` places them (`-global virtio-mmio.force-legacy=false`); on aarch64
# the slots share one page, so one memory region `virtio_mmio` is mapped into every virtio
# driver, which finds its slot by the DeviceID. On riscv64 the goldfish RTC is both the timer
# and the RTC (reading TIME_LOW latches TIME_HIGH, so one PD owns it): the rtc channel goes to
# timer_driver and there is no rtc_driver.
include_guard(GLOBAL)

function(cpp_sel4_driver_system template output)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "CLIENT" "DRIVERS")
  if(NOT arg_CLIENT OR NOT arg_DRIVERS)
    message(FATAL_ERROR "cpp_sel4_driver_system(${template}): CLIENT <pd> and DRIVERS <driver>... are required")
  endif()
  if(CPP_SEL4_ARCH STREQUAL "aarch64")
    set(virtio_base 0xa000000)
    set(virtio_stride 0x200)
    set(virtio_irq_base 48) # SPI 16 + slot
    set(uart_paddr 0x9000000)
    set(uart_irq 33)
  elseif(CPP_SEL4_ARCH STREQUAL "riscv64")
    set(virtio_base 0x10001000)
    set(virtio_stride 0x1000)
    set(virtio_irq_base 1) # PLIC source 1 + slot
    set(uart_paddr 0x10000000)
    set(uart_irq 10)
  else()
    message(FATAL_ERROR "cpp_sel4_driver_system(${template}): no virtio-mmio devices on ${CPP_SEL4_ARCH}")
  endif()
  set(client ${arg_CLIENT})
  set(drivers "")
  set(channels "")
  set(NET_CLIENT_MAPS "")
  set(BLK_CLIENT_MAPS "")
  set(SERIAL_CLIENT_MAPS "")
  set(shared_virtio_page OFF)

  # A virtio driver's register page: the shared one (aarch64) or its slot's own.
  macro(virtio_page name slot)
    math(EXPR irq "${virtio_irq_base} + ${slot}")
    if(CPP_SEL4_ARCH STREQUAL "aarch64")
      set(page_mr virtio_mmio)
      if(NOT shared_virtio_page)
        string(APPEND drivers "    <memory_region name=\"virtio_mmio\" size=\"0x1000\" phys_addr=\"${virtio_base}\" />\n")
        set(shared_virtio_page ON)
      endif()
    else()
      set(page_mr ${name}_mmio)
      math(EXPR paddr "${virtio_base} + ${slot} * ${virtio_stride}" OUTPUT_FORMAT HEXADECIMAL)
      string(APPEND drivers "    <memory_region name=\"${page_mr}\" size=\"0x1000\" phys_addr=\"${paddr}\" />\n")
    endif()
    set(regs "        <map mr=\"${page_mr}\" vaddr=\"0x40000000\" perms=\"rw\" cached=\"false\" setvar_vaddr=\"regs_vaddr\" setvar_size=\"regs_size\" />
        <setvar symbol=\"regs_paddr\" region_paddr=\"${page_mr}\" />\n")
  endmacro()
  macro(channel driver_pd driver_id client_id pp)
    string(APPEND channels "    <channel>
        <end pd=\"${driver_pd}\" id=\"${driver_id}\" />
        <end pd=\"${client}\" id=\"${client_id}\"${pp} />
    </channel>\n")
  endmacro()

  foreach(driver IN LISTS arg_DRIVERS)
    if(driver STREQUAL "net")
      virtio_page(net 0)
      string(APPEND drivers "    <memory_region name=\"net_rx_free\" size=\"0x2000\" />
    <memory_region name=\"net_rx_active\" size=\"0x2000\" />
    <memory_region name=\"net_tx_free\" size=\"0x2000\" />
    <memory_region name=\"net_tx_active\" size=\"0x2000\" />
    <memory_region name=\"net_rx_data\" size=\"0x80000\" />
    <memory_region name=\"net_tx_data\" size=\"0x80000\" />
    <memory_region name=\"net_driver_dma\" size=\"0x10000\" />
    <protection_domain name=\"net_driver\" priority=\"200\">
        <program_image path=\"virtio_net_driver.elf\" />
${regs}        <map mr=\"net_rx_free\" vaddr=\"0x40100000\" perms=\"rw\" setvar_vaddr=\"rx_free_vaddr\" />
        <map mr=\"net_rx_active\" vaddr=\"0x40102000\" perms=\"rw\" setvar_vaddr=\"rx_active_vaddr\" />
        <map mr=\"net_tx_free\" vaddr=\"0x40104000\" perms=\"rw\" setvar_vaddr=\"tx_free_vaddr\" />
        <map mr=\"net_tx_active\" vaddr=\"0x40106000\" perms=\"rw\" setvar_vaddr=\"tx_active_vaddr\" />
        <setvar symbol=\"rx_data_paddr\" region_paddr=\"net_rx_data\" />
        <setvar symbol=\"tx_data_paddr\" region_paddr=\"net_tx_data\" />
        <map mr=\"net_driver_dma\" vaddr=\"0x40200000\" perms=\"rw\" setvar_vaddr=\"dma_vaddr\" setvar_size=\"dma_size\" />
        <setvar symbol=\"dma_paddr\" region_paddr=\"net_driver_dma\" />
        <irq irq=\"${irq}\" id=\"1\" />
    </protection_domain>\n")
      set(NET_CLIENT_MAPS "        <map mr=\"net_rx_free\" vaddr=\"0x20000000\" perms=\"rw\" setvar_vaddr=\"rx_free_vaddr\" />
        <map mr=\"net_rx_active\" vaddr=\"0x20002000\" perms=\"rw\" setvar_vaddr=\"rx_active_vaddr\" />
        <map mr=\"net_tx_free\" vaddr=\"0x20004000\" perms=\"rw\" setvar_vaddr=\"tx_free_vaddr\" />
        <map mr=\"net_tx_active\" vaddr=\"0x20006000\" perms=\"rw\" setvar_vaddr=\"tx_active_vaddr\" />
        <map mr=\"net_rx_data\" vaddr=\"0x20100000\" perms=\"rw\" setvar_vaddr=\"rx_data_vaddr\" />
        <map mr=\"net_tx_data\" vaddr=\"0x20200000\" perms=\"rw\" setvar_vaddr=\"tx_data_vaddr\" />")
      channel(net_driver 0 1 " pp=\"true\"")
    elseif(driver STREQUAL "blk")
      virtio_page(blk 1)
      string(APPEND drivers "    <memory_region name=\"blk_requests\" size=\"0x1000\" />
    <memory_region name=\"blk_responses\" size=\"0x1000\" />
    <memory_region name=\"blk_storage_info\" size=\"0x1000\" />
    <memory_region name=\"blk_data\" size=\"0x80000\" />
    <memory_region name=\"blk_driver_dma\" size=\"0x4000\" />
    <protection_domain name=\"blk_driver\" priority=\"190\">
        <program_image path=\"virtio_blk_driver.elf\" />
${regs}        <map mr=\"blk_requests\" vaddr=\"0x40100000\" perms=\"rw\" setvar_vaddr=\"requests_vaddr\" setvar_size=\"requests_size\" />
        <map mr=\"blk_responses\" vaddr=\"0x40101000\" perms=\"rw\" setvar_vaddr=\"responses_vaddr\" setvar_size=\"responses_size\" />
        <map mr=\"blk_storage_info\" vaddr=\"0x40102000\" perms=\"rw\" setvar_vaddr=\"info_vaddr\" setvar_size=\"info_size\" />
        <map mr=\"blk_data\" vaddr=\"0x40200000\" perms=\"r\" setvar_vaddr=\"data_vaddr\" setvar_size=\"data_size\" />
        <setvar symbol=\"data_paddr\" region_paddr=\"blk_data\" />
        <map mr=\"blk_driver_dma\" vaddr=\"0x40300000\" perms=\"rw\" setvar_vaddr=\"dma_vaddr\" setvar_size=\"dma_size\" />
        <setvar symbol=\"dma_paddr\" region_paddr=\"blk_driver_dma\" />
        <irq irq=\"${irq}\" id=\"1\" />
    </protection_domain>\n")
      set(BLK_CLIENT_MAPS "        <map mr=\"blk_requests\" vaddr=\"0x21000000\" perms=\"rw\" setvar_vaddr=\"requests_vaddr\" setvar_size=\"requests_size\" />
        <map mr=\"blk_responses\" vaddr=\"0x21001000\" perms=\"rw\" setvar_vaddr=\"responses_vaddr\" setvar_size=\"responses_size\" />
        <map mr=\"blk_storage_info\" vaddr=\"0x21002000\" perms=\"r\" setvar_vaddr=\"info_vaddr\" setvar_size=\"info_size\" />
        <map mr=\"blk_data\" vaddr=\"0x21100000\" perms=\"rw\" setvar_vaddr=\"data_vaddr\" setvar_size=\"data_size\" />")
      channel(blk_driver 0 4 "")
    elseif(driver STREQUAL "rng")
      virtio_page(rng 2)
      string(APPEND drivers "    <memory_region name=\"rng_driver_dma\" size=\"0x2000\" />
    <protection_domain name=\"rng_driver\" priority=\"180\">
        <program_image path=\"virtio_rng_driver.elf\" />
${regs}        <map mr=\"rng_driver_dma\" vaddr=\"0x40100000\" perms=\"rw\" setvar_vaddr=\"dma_vaddr\" setvar_size=\"dma_size\" />
        <setvar symbol=\"dma_paddr\" region_paddr=\"rng_driver_dma\" />
        <irq irq=\"${irq}\" id=\"1\" />
    </protection_domain>\n")
      channel(rng_driver 0 3 " pp=\"true\"")
    elseif(driver STREQUAL "timer")
      if(CPP_SEL4_ARCH STREQUAL "aarch64")
        # The EL1 physical timer, exported to user by the Microkit kernel: PPI 14, INTID 30.
        string(APPEND drivers "    <protection_domain name=\"timer_driver\" priority=\"170\">
        <program_image path=\"timer_driver.elf\" />
        <irq irq=\"30\" id=\"1\" trigger=\"level\" />
    </protection_domain>\n")
      else()
        string(APPEND drivers "    <memory_region name=\"goldfish_rtc\" size=\"0x1000\" phys_addr=\"0x101000\" />
    <protection_domain name=\"timer_driver\" priority=\"170\">
        <program_image path=\"timer_driver.elf\" />
        <map mr=\"goldfish_rtc\" vaddr=\"0x2000000\" perms=\"rw\" cached=\"false\" setvar_vaddr=\"rtc_regs\" />
        <irq irq=\"11\" id=\"1\" trigger=\"level\" />
    </protection_domain>\n")
      endif()
      channel(timer_driver 0 2 " pp=\"true\"")
    elseif(driver STREQUAL "rtc")
      if(CPP_SEL4_ARCH STREQUAL "aarch64")
        string(APPEND drivers "    <memory_region name=\"pl031\" size=\"0x1000\" phys_addr=\"0x9010000\" />
    <protection_domain name=\"rtc_driver\" priority=\"160\">
        <program_image path=\"rtc_driver.elf\" />
        <map mr=\"pl031\" vaddr=\"0x2000000\" perms=\"rw\" cached=\"false\" setvar_vaddr=\"rtc_regs\" />
    </protection_domain>\n")
        channel(rtc_driver 0 6 " pp=\"true\"")
      else()
        if(NOT "timer" IN_LIST arg_DRIVERS)
          message(FATAL_ERROR "cpp_sel4_driver_system(${template}): on riscv64 the rtc is timer_driver's: list timer too")
        endif()
        channel(timer_driver 2 6 " pp=\"true\"")
      endif()
    elseif(driver STREQUAL "serial")
      string(APPEND drivers "    <memory_region name=\"uart\" size=\"0x1000\" phys_addr=\"${uart_paddr}\" />
    <memory_region name=\"serial_rx_queue\" size=\"0x1000\" />
    <memory_region name=\"serial_rx_data\" size=\"0x1000\" />
    <memory_region name=\"serial_tx_queue\" size=\"0x1000\" />
    <memory_region name=\"serial_tx_data\" size=\"0x1000\" />
    <protection_domain name=\"serial_driver\" priority=\"150\">
        <program_image path=\"serial_driver.elf\" />
        <map mr=\"uart\" vaddr=\"0x2000000\" perms=\"rw\" cached=\"false\" setvar_vaddr=\"uart_regs\" />
        <map mr=\"serial_rx_queue\" vaddr=\"0x3000000\" perms=\"rw\" setvar_vaddr=\"rx_queue_vaddr\" setvar_size=\"rx_queue_size\" />
        <map mr=\"serial_rx_data\" vaddr=\"0x3001000\" perms=\"rw\" setvar_vaddr=\"rx_data_vaddr\" setvar_size=\"rx_data_size\" />
        <map mr=\"serial_tx_queue\" vaddr=\"0x3002000\" perms=\"rw\" setvar_vaddr=\"tx_queue_vaddr\" setvar_size=\"tx_queue_size\" />
        <map mr=\"serial_tx_data\" vaddr=\"0x3003000\" perms=\"rw\" setvar_vaddr=\"tx_data_vaddr\" setvar_size=\"tx_data_size\" />
        <irq irq=\"${uart_irq}\" id=\"1\" trigger=\"level\" />
    </protection_domain>\n")
      set(SERIAL_CLIENT_MAPS "        <map mr=\"serial_rx_queue\" vaddr=\"0x22000000\" perms=\"rw\" setvar_vaddr=\"rx_queue_vaddr\" setvar_size=\"rx_queue_size\" />
        <map mr=\"serial_rx_data\" vaddr=\"0x22010000\" perms=\"rw\" setvar_vaddr=\"rx_data_vaddr\" setvar_size=\"rx_data_size\" />
        <map mr=\"serial_tx_queue\" vaddr=\"0x22020000\" perms=\"rw\" setvar_vaddr=\"tx_queue_vaddr\" setvar_size=\"tx_queue_size\" />
        <map mr=\"serial_tx_data\" vaddr=\"0x22030000\" perms=\"rw\" setvar_vaddr=\"tx_data_vaddr\" setvar_size=\"tx_data_size\" />")
      channel(serial_driver 0 5 "")
    else()
      message(FATAL_ERROR "cpp_sel4_driver_system(${template}): no driver '${driver}' (net, blk, rng, timer, rtc, serial)")
    endif()
  endforeach()
  set(DRIVERS "${drivers}")
  set(CHANNELS "${channels}")
  configure_file(${template} ${output} @ONLY)
endfunction()

# The program images of DRIVERS (for add_sel4_microkit_system's PDS):
#   cpp_sel4_driver_pds(<out-var> <driver>...)
function(cpp_sel4_driver_pds out)
  set(pds "")
  foreach(driver IN LISTS ARGN)
    if(driver MATCHES "^(net|blk|rng)$")
      list(APPEND pds virtio_${driver}_driver)
    elseif(driver STREQUAL "rtc" AND CPP_SEL4_ARCH STREQUAL "riscv64")
      list(APPEND pds timer_driver) # the goldfish RTC's PD serves both
    else()
      list(APPEND pds ${driver}_driver)
    endif()
  endforeach()
  list(REMOVE_DUPLICATES pds)
  set(${out} ${pds} PARENT_SCOPE)
endfunction()

# QEMU's devices for DRIVERS (add_sel4_qemu_test's QEMU_ARGS):
#   cpp_sel4_driver_qemu_args(<out-var> DRIVERS <driver>... [HOSTFWD <text>] [DISK <image> [DISK_OPTIONS <opt>...]])
# net: QEMU's user network on virtio-mmio slot 0, its -netdev ending in HOSTFWD (default
# `@HOSTFWD@`, which sel4-qemu-run --forward fills in; `,hostfwd=tcp:127.0.0.1:8080-:80` for a
# fixed port); blk: the raw DISK image on slot 1 (DISK_OPTIONS e.g. readonly=on or
# snapshot=on); rng: virtio-rng on slot 2. timer, rtc and serial are the machine's own.
function(cpp_sel4_driver_qemu_args out)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "HOSTFWD;DISK" "DRIVERS;DISK_OPTIONS")
  if("HOSTFWD" IN_LIST arg_KEYWORDS_MISSING_VALUES)
    set(arg_HOSTFWD "") # HOSTFWD "": no forwards
  elseif(NOT DEFINED arg_HOSTFWD)
    set(arg_HOSTFWD @HOSTFWD@)
  endif()
  set(args "")
  foreach(driver IN LISTS arg_DRIVERS)
    if(driver STREQUAL "net")
      list(APPEND args -netdev user,id=net0${arg_HOSTFWD} -device virtio-net-device,netdev=net0,bus=virtio-mmio-bus.0)
    elseif(driver STREQUAL "blk")
      if(NOT arg_DISK)
        message(FATAL_ERROR "cpp_sel4_driver_qemu_args: blk needs DISK <image>")
      endif()
      set(drive file=${arg_DISK},format=raw,if=none,id=hd0)
      foreach(option IN LISTS arg_DISK_OPTIONS)
        string(APPEND drive ,${option})
      endforeach()
      list(APPEND args -drive ${drive} -device virtio-blk-device,drive=hd0,bus=virtio-mmio-bus.1)
    elseif(driver STREQUAL "rng")
      list(APPEND args -device virtio-rng-device,bus=virtio-mmio-bus.2)
    endif()
  endforeach()
  if(args)
    list(PREPEND args -global virtio-mmio.force-legacy=false)
  endif()
  set(${out} ${args} PARENT_SCOPE)
endfunction()
