# Microkit 2.3's qemu_virt_aarch64 board, debug configuration: cortex-a53 (the platform's
# default CPU) at EL2, the physical counter and timer exported to user, SMC calls allowed.
cpp_sel4_define_world(
  ARCH aarch64
  BOOT loader
  MICROKIT_BOARD qemu_virt_aarch64
  KERNEL_OPTIONS KernelArch=arm KernelSel4Arch=aarch64 KernelPlatform=qemu-arm-virt QEMU_MEMORY=2048
                 KernelArmHypervisorSupport=ON KernelArmExportPCNTUser=ON KernelArmExportPTMRUser=ON
                 KernelArmVtimerUpdateVOffset=OFF KernelAllowSMCCalls=ON HardwareDebugAPI=ON
  CHECKS KernelSel4Arch:SEL4_ARCH=aarch64 KernelPlatform:PLAT=qemu-arm-virt ARM_CPU:ARM_CORTEX_A53=ON
         KernelArmHypervisorSupport:ARM_HYPERVISOR_SUPPORT=ON KernelArmExportPCNTUser:EXPORT_PCNT_USER=ON
         KernelArmExportPTMRUser:EXPORT_PTMR_USER=ON KernelArmVtimerUpdateVOffset:VTIMER_UPDATE_VOFFSET=OFF
         KernelAllowSMCCalls:ALLOW_SMC_CALLS=ON HardwareDebugAPI:HARDWARE_DEBUG_API=ON)
set(CPP_SEL4_QEMU_COMMAND
    qemu-system-aarch64 -machine virt,virtualization=on -cpu cortex-a53 -smp 1 -m size=2048M
    -display none -monitor none -serial stdio -no-reboot)
