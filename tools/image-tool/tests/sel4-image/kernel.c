// A stand-in for seL4's x86_64 kernel in the host test image-tool.sel4-image: what sel4-image
// needs of it, an x86_64 executable with a multiboot header where loaders look for one.
__attribute__((section(".multiboot"), used, aligned(4))) static const unsigned header[3] = {
    0x1badb002u, 3u, 0u - (0x1badb002u + 3u)};

void _start(void) {
    for (;;) {
    }
}
