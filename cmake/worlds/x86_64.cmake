cpp_sel4_define_world(
  ARCH x86_64
  BOOT multiboot
  KERNEL_OPTIONS KernelArch=x86 KernelSel4Arch=x86_64 KernelPlatform=pc99
                 KernelFSGSBase=msr KernelSupportPCID=OFF KernelFPU=FXSAVE
  CHECKS KernelSel4Arch:SEL4_ARCH=x86_64 KernelPlatform:PLAT=pc99 KernelIsMCS:KERNEL_MCS=OFF
         KernelFSGSBase:FSGSBASE_MSR=ON KernelSupportPCID:SUPPORT_PCID=OFF KernelFPU:FXSAVE=ON)

# The CPU model must offer no more than the kernel was built for (no XSAVE,
# FSGSBASE instructions or PCID) and everything it needs (1 GiB pages, syscall).
set(CPP_SEL4_QEMU_COMMAND
    qemu-system-x86_64 -machine pc -m size=512M
    -cpu Nehalem,-vme,+pdpe1gb,-xsave,-xsaveopt,-xsavec,-fsgsbase,-invpcid,+syscall,+lm,enforce
    -display none -monitor none -serial stdio -no-reboot)
