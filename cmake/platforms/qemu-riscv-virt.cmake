# The riscv64 worlds on QEMU's virt machine, under QEMU's OpenSBI.
#   cpp_sel4_qemu_riscv_virt_world([NODES <n>])
# NODES (default 1) is the kernel's KernelMaxNumNodes; QEMU gets as many harts.
function(cpp_sel4_qemu_riscv_virt_world)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NODES" "")
  if(NOT arg_NODES)
    set(arg_NODES 1)
  endif()
  cpp_sel4_define_world(
    ARCH riscv64
    BOOT loader
    NODES ${arg_NODES}
    KERNEL_OPTIONS KernelArch=riscv KernelSel4Arch=riscv64 KernelPlatform=qemu-riscv-virt QEMU_MEMORY=2048
    CHECKS KernelSel4Arch:SEL4_ARCH=riscv64 KernelPlatform:PLAT=qemu-riscv-virt KernelIsMCS:KERNEL_MCS=OFF)
  foreach(var ARCH BOOT NUM_NODES KERNEL_OPTIONS KERNEL_CHECKS MCS)
    set(CPP_SEL4_${var} ${CPP_SEL4_${var}} PARENT_SCOPE)
  endforeach()
  set(CPP_SEL4_QEMU_COMMAND
      qemu-system-riscv64 -machine virt -smp ${arg_NODES} -m size=2048M -display none -monitor none -serial stdio
      -no-reboot PARENT_SCOPE)
endfunction()
