# As aarch64, with two cores: the loader starts the second with PSCI CPU_ON.
include(${CMAKE_CURRENT_LIST_DIR}/../platforms/qemu-arm-virt.cmake)
cpp_sel4_qemu_arm_virt_world(HYPERVISOR ON MCS OFF NODES 2)
