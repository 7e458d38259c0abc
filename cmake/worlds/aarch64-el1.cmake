# aarch64 with a kernel built without hypervisor support: the loader drops
# from EL2 to EL1 before entering it.
cpp_sel4_define_world(
  ARCH aarch64
  BOOT loader
  KERNEL_OPTIONS KernelArch=arm KernelSel4Arch=aarch64 KernelPlatform=qemu-arm-virt ARM_CPU=cortex-a57
                 QEMU_MEMORY=2048 KernelArmHypervisorSupport=OFF
  CHECKS KernelSel4Arch:SEL4_ARCH=aarch64 KernelPlatform:PLAT=qemu-arm-virt ARM_CPU:ARM_CORTEX_A57=ON
         KernelIsMCS:KERNEL_MCS=OFF KernelArmHypervisorSupport:ARM_HYPERVISOR_SUPPORT=OFF)

set(CPP_SEL4_QEMU_COMMAND
    qemu-system-aarch64 -machine virt,virtualization=on -cpu cortex-a57 -m size=2048M
    -display none -monitor none -serial stdio -no-reboot)
