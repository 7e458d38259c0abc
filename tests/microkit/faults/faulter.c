/* A faulting PD of microkit.faults, built once per kind of fault (FAULT_VM, FAULT_CAP,
 * FAULT_SYSCALL): when the coordinator notifies it, it faults. It has no parent, so the
 * monitor reports the fault and leaves the PD stopped. */
#include <microkit.h>

/* An address no PD has mapped: below the program image, above the null page. */
#define UNMAPPED_ADDRESS 0xdead0000UL
/* A CPtr that resolves to no slot of the PD's CSpace (its root CNode's guard does not match):
 * a send on it is a capability fault. (A CPtr of an empty slot that exists, such as 500, is
 * no fault: the kernel fails the invocation with seL4_InvalidCapability and Signal returns.) */
#define UNRESOLVABLE_CPTR (1UL << 40)
/* No seL4 system call has this number (theirs are negative). */
#define INVALID_SYSCALL 100

static void make_fault(void)
{
#if defined(FAULT_VM)
    microkit_dbg_puts("fault_vm: reading an unmapped address\n");
    seL4_Word value = *(volatile seL4_Word *)UNMAPPED_ADDRESS;
    microkit_dbg_puts("fault_vm: FAIL: the read returned ");
    microkit_dbg_put32((seL4_Uint32)value);
    microkit_dbg_puts("\n");
#elif defined(FAULT_CAP)
    microkit_dbg_puts("fault_cap: signalling a CPtr that resolves to no slot\n");
    seL4_Signal(UNRESOLVABLE_CPTR);
    microkit_dbg_puts("fault_cap: FAIL: the signal returned\n");
#elif defined(FAULT_SYSCALL)
    microkit_dbg_puts("fault_syscall: making an unknown system call\n");
#if defined(__aarch64__)
    register seL4_Word number __asm__("x7") = INVALID_SYSCALL;
    __asm__ volatile("svc #0" : "+r"(number) : : "memory");
#elif defined(__riscv)
    register seL4_Word number __asm__("a7") = INVALID_SYSCALL;
    __asm__ volatile("ecall" : "+r"(number) : : "memory");
#elif defined(__x86_64__)
    /* As libsel4's system calls: the number in rdx, the stack pointer kept in rbx. */
    seL4_Word number = INVALID_SYSCALL;
    __asm__ volatile("movq %%rsp, %%rbx; syscall; movq %%rbx, %%rsp"
                     : "+d"(number)
                     :
                     : "rbx", "rcx", "r11", "memory");
#else
#error "no unknown system call for this architecture"
#endif
    microkit_dbg_puts("fault_syscall: FAIL: the system call returned\n");
#else
#error "FAULT_VM, FAULT_CAP or FAULT_SYSCALL"
#endif
}

void init(void)
{
}

void notified(microkit_channel ch)
{
    if (ch == 0) {
        make_fault();
    }
}
