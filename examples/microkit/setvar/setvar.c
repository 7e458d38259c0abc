/* setvar: the system builder patches these variables with the virtual addresses and sizes
 * of the PD's maps and with the physical addresses of memory regions. The PD checks them
 * against what its system file says and uses the regions. SETVAR_PICKED says whether the
 * system has the MRs without a fixed physical address (not on x86_64). */
#include <microkit.h>

/* The values in the system file (setvar-<arch>.system). */
#define FIXED_VADDR 0x20000000UL
#define FIXED_ALIAS_VADDR 0x20100000UL
#define FIXED_SIZE 0x2000UL
#define PLAIN_VADDR 0x20200000UL
#define PLAIN_SIZE 0x3000UL
#define PICKED_SMALL_VADDR 0x20400000UL
#define PICKED_SMALL_SIZE 0x1000UL
#define PICKED_LARGE_VADDR 0x20600000UL
#define PICKED_LARGE_SIZE 0x200000UL

/* Patched by the tool: each must be a word. Non-zero initial values keep them in .data, so a
 * variable the tool did not patch is noticed. */
#define UNPATCHED 0x5e7a5e7aUL
seL4_Word fixed_vaddr = UNPATCHED;
seL4_Word fixed_alias_vaddr = UNPATCHED;
seL4_Word fixed_size = UNPATCHED;
seL4_Word fixed_paddr = UNPATCHED;
seL4_Word plain_vaddr = UNPATCHED;
seL4_Word plain_size = UNPATCHED;
#if SETVAR_PICKED
seL4_Word picked_small_vaddr = UNPATCHED;
seL4_Word picked_small_size = UNPATCHED;
seL4_Word picked_small_paddr = UNPATCHED;
seL4_Word picked_large_vaddr = UNPATCHED;
seL4_Word picked_large_size = UNPATCHED;
seL4_Word picked_large_paddr = UNPATCHED;
#endif

static unsigned int failures;

static void put_hex(seL4_Word value)
{
    microkit_dbg_puts("0x");
    for (int shift = 60; shift >= 0; shift -= 4) {
        microkit_dbg_putc("0123456789abcdef"[(value >> shift) & 0xf]);
    }
}

static void show(const char *name, seL4_Word value)
{
    microkit_dbg_puts("setvar: ");
    microkit_dbg_puts(name);
    microkit_dbg_puts(" = ");
    put_hex(value);
    microkit_dbg_puts("\n");
}

static void fail(const char *what, seL4_Word value)
{
    microkit_dbg_puts("setvar: FAIL: ");
    microkit_dbg_puts(what);
    microkit_dbg_puts(" (");
    put_hex(value);
    microkit_dbg_puts(")\n");
    failures++;
}

static void expect(const char *name, seL4_Word value, seL4_Word expected)
{
    show(name, value);
    if (value != expected) {
        fail(name, value);
    }
}

/* Writes a pattern unique to `seed` to each word of the region and reads it back. */
static void write_read(const char *name, seL4_Word vaddr, seL4_Word size, seL4_Word seed)
{
    volatile seL4_Word *words = (volatile seL4_Word *)vaddr;
    seL4_Word count = size / sizeof(seL4_Word);
    for (seL4_Word i = 0; i < count; i++) {
        words[i] = seed ^ (i * 0x9e3779b97f4a7c15UL);
    }
    for (seL4_Word i = 0; i < count; i++) {
        if (words[i] != (seed ^ (i * 0x9e3779b97f4a7c15UL))) {
            fail(name, i);
            return;
        }
    }
}

#if SETVAR_PICKED
static void check_picked(const char *name, seL4_Word paddr, seL4_Word size)
{
    show(name, paddr);
    if (paddr == 0 || paddr == UNPATCHED) {
        fail("a picked physical address is zero or unpatched", paddr);
    }
    /* Aligned to the MR's page size, which is its size here. */
    if ((paddr & (size - 1)) != 0) {
        fail("a picked physical address is not aligned to its page size", paddr);
    }
    if (paddr < fixed_paddr + FIXED_SIZE && fixed_paddr < paddr + size) {
        fail("a picked physical range overlaps the fixed MR", paddr);
    }
}
#endif

void init(void)
{
    expect("fixed_vaddr", fixed_vaddr, FIXED_VADDR);
    expect("fixed_alias_vaddr", fixed_alias_vaddr, FIXED_ALIAS_VADDR);
    expect("fixed_size", fixed_size, FIXED_SIZE);
    expect("fixed_paddr", fixed_paddr, SETVAR_FIXED_PADDR);
    expect("plain_vaddr", plain_vaddr, PLAIN_VADDR);
    expect("plain_size", plain_size, PLAIN_SIZE);
#if SETVAR_PICKED
    expect("picked_small_vaddr", picked_small_vaddr, PICKED_SMALL_VADDR);
    expect("picked_small_size", picked_small_size, PICKED_SMALL_SIZE);
    expect("picked_large_vaddr", picked_large_vaddr, PICKED_LARGE_VADDR);
    expect("picked_large_size", picked_large_size, PICKED_LARGE_SIZE);
    check_picked("picked_small_paddr", picked_small_paddr, PICKED_SMALL_SIZE);
    check_picked("picked_large_paddr", picked_large_paddr, PICKED_LARGE_SIZE);
    if (picked_small_paddr < picked_large_paddr + PICKED_LARGE_SIZE &&
        picked_large_paddr < picked_small_paddr + PICKED_SMALL_SIZE) {
        fail("the two picked physical ranges overlap", picked_small_paddr);
    }
#endif
    if (failures != 0) {
        microkit_dbg_puts("setvar: test FAILED (patched values)\n");
        return;
    }

    /* The regions, at the patched addresses. */
    write_read("fixed", fixed_vaddr, fixed_size, 0x1111);
    write_read("plain", plain_vaddr, plain_size, 0x2222);
#if SETVAR_PICKED
    write_read("picked_small", picked_small_vaddr, picked_small_size, 0x3333);
    write_read("picked_large", picked_large_vaddr, picked_large_size, 0x4444);
#endif
    /* The alias maps the same frames: it sees the last pattern written through the first map. */
    volatile seL4_Word *fixed = (volatile seL4_Word *)fixed_vaddr;
    volatile const seL4_Word *alias = (volatile const seL4_Word *)fixed_alias_vaddr;
    fixed[0] = 0xa11a5a11UL;
    fixed[FIXED_SIZE / sizeof(seL4_Word) - 1] = fixed_paddr;
    if (alias[0] != 0xa11a5a11UL || alias[FIXED_SIZE / sizeof(seL4_Word) - 1] != fixed_paddr) {
        fail("the alias map of the fixed MR does not show its contents", alias[0]);
    }
    if (failures != 0) {
        microkit_dbg_puts("setvar: test FAILED (regions)\n");
        return;
    }
    microkit_dbg_puts("setvar: the patched addresses and sizes are right and the regions work\n");
    microkit_dbg_puts("setvar: test passed\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
