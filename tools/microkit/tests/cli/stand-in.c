/* Stand-ins for the ELF files of a Microkit SDK and a PD, in the host test microkit.cli: what
   sel4-microkit reads of each, compiled with -D STAND_IN_<ROLE> by check-microkit.sh and
   linked with stand-in.ld. None of them runs. */
#if defined(STAND_IN_KERNEL)
/* seL4 for x86_64: sel4-image looks for a multiboot (version 1) header in the first 8 KiB:
   magic, flags, and a checksum that makes the three words add up to zero. */
__attribute__((section(".multiboot"), used, aligned(4))) static const unsigned multiboot[3] = {
    0x1badb002u, 0u, 0u - 0x1badb002u};
#elif defined(STAND_IN_MONITOR)
/* The monitor's variables that the tool fills in: a name and a stack per PD, 63 at most. */
char pd_names[63][64] = {{1}};
unsigned long pd_names_len = 1;
char vm_names[63][64] = {{1}};
unsigned long vm_names_len = 1;
unsigned long pd_stack_bottom_addrs[63] = {1};
#elif defined(STAND_IN_INITIALISER)
/* The CapDL initialiser's record of where add-spec put the spec (binary::Location): a magic
   number and five words, in the file's bytes so that they can be patched. */
struct { char magic[8]; unsigned long words[5]; } sel4_capdl_spec_location = {{1}, {0}};
#elif defined(STAND_IN_PD)
/* A PD's variables from libmicrokit that the tool patches. */
char microkit_name[64] = {1};
unsigned char microkit_passive = 1;
unsigned long microkit_irqs = 1, microkit_notifications = 1, microkit_pps = 1, microkit_ioports = 1;
#elif defined(STAND_IN_BARE)
/* A PD's ELF without libmicrokit's variables. */
#else
#error "stand-in.c: compile with -D STAND_IN_<KERNEL|MONITOR|INITIALISER|PD|BARE>"
#endif

void _start(void) {
    for (;;) {
    }
}
