// A root task for the host test image-tool.sel4-image: a page of code, then BSS_PAGES pages
// of .bss, laid out by link.ld. It never runs.
static char bss[BSS_PAGES * 4096] __attribute__((used, aligned(4096)));

void _start(void) {
    for (;;) __asm__ volatile("" : : "r"(bss));
}
