/* mr_prefill: the PD reads an MR that the system builder filled from fill.bin (make-fill.cmake
 * wrote it: FILL_RECORDS records "fill NNNNNNNNNN\n", then "END\n"). It checks the data's
 * size (setvar_prefill_size), the MR's size (the data rounded up to pages), every byte of
 * the data, and that the rest of the MR is zero. */
#include <microkit.h>

#define FILL_VADDR 0x30000000UL
#define RECORD_SIZE 16
#define DATA_SIZE (FILL_RECORDS * RECORD_SIZE + 4)
#define PAGE_SIZE 0x1000UL

/* Patched by the tool; non-zero so that an unpatched one shows. */
seL4_Word fill_vaddr = 1;
seL4_Word fill_mr_size = 1;
seL4_Word fill_data_size = 1;

static void put_number(seL4_Word value)
{
    microkit_dbg_put32((seL4_Uint32)value);
}

static int fail(const char *what, seL4_Word got, seL4_Word expected)
{
    microkit_dbg_puts("mr_prefill: FAIL: ");
    microkit_dbg_puts(what);
    microkit_dbg_puts(": got ");
    put_number(got);
    microkit_dbg_puts(", expected ");
    put_number(expected);
    microkit_dbg_puts("\n");
    microkit_dbg_puts("mr_prefill: test FAILED\n");
    return 0;
}

/* The expected record `n`. */
static void make_record(char *record, seL4_Word n)
{
    const char *head = "fill ";
    for (int i = 0; i < 5; i++) {
        record[i] = head[i];
    }
    for (int i = 14; i >= 5; i--) {
        record[i] = (char)('0' + n % 10);
        n /= 10;
    }
    record[15] = '\n';
}

static int check(void)
{
    if (fill_vaddr != FILL_VADDR) {
        return fail("the MR's virtual address", fill_vaddr, FILL_VADDR);
    }
    if (fill_data_size != DATA_SIZE) {
        return fail("the prefill size", fill_data_size, DATA_SIZE);
    }
    seL4_Word mr_size = (DATA_SIZE + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (fill_mr_size != mr_size) {
        return fail("the MR's size", fill_mr_size, mr_size);
    }
    const volatile char *data = (const volatile char *)fill_vaddr;
    char record[RECORD_SIZE];
    for (seL4_Word n = 0; n < FILL_RECORDS; n++) {
        make_record(record, n);
        for (seL4_Word i = 0; i < RECORD_SIZE; i++) {
            if (data[n * RECORD_SIZE + i] != record[i]) {
                return fail("a byte of the data, at offset", n * RECORD_SIZE + i, (seL4_Word)(unsigned char)record[i]);
            }
        }
    }
    const char *end = "END\n";
    for (seL4_Word i = 0; i < 4; i++) {
        if (data[FILL_RECORDS * RECORD_SIZE + i] != end[i]) {
            return fail("the end marker, at offset", FILL_RECORDS * RECORD_SIZE + i, (seL4_Word)end[i]);
        }
    }
    for (seL4_Word i = DATA_SIZE; i < fill_mr_size; i++) {
        if (data[i] != 0) {
            return fail("a byte after the data is not zero, at offset", i, 0);
        }
    }
    return 1;
}

void init(void)
{
    if (!check()) {
        return;
    }
    microkit_dbg_puts("mr_prefill: ");
    put_number(fill_data_size);
    microkit_dbg_puts(" bytes of prefill data in an MR of ");
    put_number(fill_mr_size);
    microkit_dbg_puts(" bytes, all as written\n");
    microkit_dbg_puts("mr_prefill: test passed\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
