cpp_sel4_define_world(
  ARCH riscv64
  BOOT loader
  KERNEL_OPTIONS KernelArch=riscv KernelSel4Arch=riscv64 KernelPlatform=qemu-riscv-virt QEMU_MEMORY=2048
  CHECKS KernelSel4Arch:SEL4_ARCH=riscv64 KernelPlatform:PLAT=qemu-riscv-virt KernelIsMCS:KERNEL_MCS=OFF)

set(CPP_SEL4_QEMU_COMMAND
    qemu-system-riscv64 -machine virt -m size=2048M -display none -monitor none -serial stdio -no-reboot)
