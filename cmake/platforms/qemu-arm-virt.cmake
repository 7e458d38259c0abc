# The aarch64 worlds on QEMU's virt machine differ only in kernel options.
#   cpp_sel4_qemu_arm_virt_world(HYPERVISOR ON|OFF MCS ON|OFF [NODES <n>])
# NODES (default 1) is the kernel's KernelMaxNumNodes; QEMU gets as many CPUs.
function(cpp_sel4_qemu_arm_virt_world)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "HYPERVISOR;MCS;NODES" "")
  if(NOT arg_NODES)
    set(arg_NODES 1)
  endif()
  set(options KernelArch=arm KernelSel4Arch=aarch64 KernelPlatform=qemu-arm-virt ARM_CPU=cortex-a57
              QEMU_MEMORY=2048 KernelArmHypervisorSupport=${arg_HYPERVISOR}
              KernelArmExportVCNTUser=ON) # CNTVCT_EL0 for the clocks (libs/runtime)
  if(arg_MCS)
    list(APPEND options KernelIsMCS=ON)
  endif()
  cpp_sel4_define_world(
    ARCH aarch64
    BOOT loader
    NODES ${arg_NODES}
    KERNEL_OPTIONS ${options}
    CHECKS KernelSel4Arch:SEL4_ARCH=aarch64 KernelPlatform:PLAT=qemu-arm-virt ARM_CPU:ARM_CORTEX_A57=ON
           KernelIsMCS:KERNEL_MCS=${arg_MCS} KernelArmHypervisorSupport:ARM_HYPERVISOR_SUPPORT=${arg_HYPERVISOR}
           KernelArmExportVCNTUser:EXPORT_VCNT_USER=ON)
  foreach(var ARCH BOOT NUM_NODES KERNEL_OPTIONS KERNEL_CHECKS MCS)
    set(CPP_SEL4_${var} ${CPP_SEL4_${var}} PARENT_SCOPE)
  endforeach()
  # The loader starts at EL2 in every world; it drops to EL1 for a kernel without hypervisor support.
  set(CPP_SEL4_QEMU_COMMAND
      qemu-system-aarch64 -machine virt,virtualization=on -cpu cortex-a57 -smp ${arg_NODES} -m size=2048M
      -display none -monitor none -serial stdio -no-reboot PARENT_SCOPE)
endfunction()
