/* The gen_config.json of the kernel the initializer is built for (CPP_SEL4_KERNEL_CONFIG, its
 * path), between sel4_capdl_kernel_config and sel4_capdl_kernel_config_end: `sel4-capdl
 * add-spec` checks a spec against it when it is given no other. Kept by --gc-sections ("R"). */
    .section .rodata.sel4_capdl_kernel_config, "aR"
    .global sel4_capdl_kernel_config, sel4_capdl_kernel_config_end
sel4_capdl_kernel_config:
    .incbin CPP_SEL4_KERNEL_CONFIG
sel4_capdl_kernel_config_end:

    .section .note.GNU-stack, "", @progbits
