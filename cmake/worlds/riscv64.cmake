include(${CMAKE_CURRENT_LIST_DIR}/../platforms/qemu-riscv-virt.cmake)
cpp_sel4_qemu_riscv_virt_world()
