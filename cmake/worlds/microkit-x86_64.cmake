# Microkit 2.3's x86_64_generic board, debug configuration: the generic micro-architecture
# with the IOMMU and without VT-x or PCID. QEMU offers the CPU features that Microkit's manual
# asks for (the kernel uses FSGSBASE and XSAVE instructions).
cpp_sel4_define_world(
  ARCH x86_64
  BOOT multiboot
  MICROKIT_BOARD x86_64_generic
  KERNEL_OPTIONS KernelArch=x86 KernelSel4Arch=x86_64 KernelPlatform=pc99 KernelX86MicroArch=generic
                 KernelIOMMU=ON KernelSupportPCID=OFF KernelVTX=OFF HardwareDebugAPI=ON
  CHECKS KernelSel4Arch:SEL4_ARCH=x86_64 KernelPlatform:PLAT=pc99 KernelX86MicroArch:KERNEL_X86_MICRO_ARCH=generic
         KernelIOMMU:IOMMU=ON KernelSupportPCID:SUPPORT_PCID=OFF KernelVTX:VTX=OFF
         HardwareDebugAPI:HARDWARE_DEBUG_API=ON)
set(CPP_SEL4_QEMU_COMMAND
    qemu-system-x86_64 -machine pc -m size=2048M -cpu qemu64,+fsgsbase,+pdpe1gb,+xsaveopt,+xsave
    -display none -monitor none -serial stdio -no-reboot)
