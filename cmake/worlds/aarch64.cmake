include(${CMAKE_CURRENT_LIST_DIR}/../platforms/qemu-arm-virt.cmake)
cpp_sel4_qemu_arm_virt_world(HYPERVISOR ON MCS OFF)
