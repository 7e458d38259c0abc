# A kernel without hypervisor support: the loader drops from EL2 to EL1 to enter it.
include(${CMAKE_CURRENT_LIST_DIR}/../platforms/qemu-arm-virt.cmake)
cpp_sel4_qemu_arm_virt_world(HYPERVISOR OFF MCS OFF)
