# Microkit 2.3's qemu_virt_riscv64 board, debug configuration, under QEMU's OpenSBI.
cpp_sel4_define_world(
  ARCH riscv64
  BOOT loader
  MICROKIT_BOARD qemu_virt_riscv64
  KERNEL_OPTIONS KernelArch=riscv KernelSel4Arch=riscv64 KernelPlatform=qemu-riscv-virt QEMU_MEMORY=2048
  CHECKS KernelSel4Arch:SEL4_ARCH=riscv64 KernelPlatform:PLAT=qemu-riscv-virt)
set(CPP_SEL4_QEMU_COMMAND
    qemu-system-riscv64 -machine virt -smp 1 -m size=2048M -display none -monitor none -serial stdio -no-reboot)
