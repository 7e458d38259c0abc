# net.virtio-driver: the virtio-net driver end to end on QEMU's user network with a tiny
# client (the MAC by net::GetMac, an ARP request for the gateway and slirp's reply, and the
# driver's refusal of a malformed tx frame and rx buffer). Included by ../CMakeLists.txt at
# the end of the top level (where the Microkit SDK is set up): paths from this file's folder.
set(selfcheck_dir ${CMAKE_CURRENT_LIST_DIR})
set(selfcheck_build ${CMAKE_BINARY_DIR}/drivers/virtio-net/selfcheck)
if(CPP_SEL4_ARCH STREQUAL "aarch64")
  set(VIRTIO_PAGE 0xa000000)
  set(NET_IRQ 48) # slot 0: SPI 16
elseif(CPP_SEL4_ARCH STREQUAL "riscv64")
  set(VIRTIO_PAGE 0x10001000)
  set(NET_IRQ 1) # slot 0: PLIC source 1
endif()
if(DEFINED VIRTIO_PAGE)
add_sel4_microkit_pd(net_selfcheck_client RUNTIME cxx-minimal ${selfcheck_dir}/client.cpp)
target_link_libraries(net_selfcheck_client PRIVATE sel4-driver-net-client)
target_compile_options(net_selfcheck_client PRIVATE -Wall -Wextra -Werror)
configure_file(${selfcheck_dir}/net-selfcheck.system.in ${selfcheck_build}/net-selfcheck.system @ONLY)
add_sel4_microkit_system(net-selfcheck SYSTEM ${selfcheck_build}/net-selfcheck.system
                         PDS virtio_net_driver net_selfcheck_client)
add_sel4_qemu_test(NAME net.virtio-driver IMAGE net-selfcheck TIMEOUT 60
                   QEMU_ARGS -global virtio-mmio.force-legacy=false -netdev user,id=net0
                             -device virtio-net-device,netdev=net0,bus=virtio-mmio-bus.0)
endif()
