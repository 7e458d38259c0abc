// loader.boot: booted through the cpp-sel4 kernel loader, the root task finds
// in its extra BootInfo the very device tree that sel4-image attached.
#include <test_support.hpp>

using namespace test_support;

namespace {

// seL4_BootInfoHeader (libsel4/include/sel4/bootinfo_types.h).
struct ExtraHeader {
    Word id;
    Word length;  // including this header
};
constexpr Word bootinfo_header_fdt = 6;
constexpr Word page_size = 4096;

unsigned big_endian_32(const unsigned char *p) { return unsigned(p[0]) << 24 | unsigned(p[1]) << 16 | unsigned(p[2]) << 8 | p[3]; }

}  // namespace

void test_main(const BootInfoHead *boot_info) {
    if (boot_info->extra_len == 0) fail("no extra BootInfo: the loader passed no device tree");
    // The extra BootInfo starts on the page after the BootInfo.
    auto extra = reinterpret_cast<const unsigned char *>(boot_info) + page_size;
    for (Word offset = 0; offset < boot_info->extra_len;) {
        auto header = reinterpret_cast<const ExtraHeader *>(extra + offset);
        if (header->length == 0) fail("extra BootInfo chunk of length 0");
        if (header->id == bootinfo_header_fdt) {
            auto fdt = reinterpret_cast<const unsigned char *>(header + 1);
            if (big_endian_32(fdt) != 0xd00dfeed) fail("the device tree chunk does not start with the FDT magic");
            unsigned total = big_endian_32(fdt + 4);
            put_string("cpp-sel4: loader.boot: device tree of ");
            put_hex(total);
            put_string(" bytes in the extra BootInfo\n");
            if (total != LOADER_TEST_DTB_SIZE) fail("the device tree's size is not that of the attached kernel.dtb");
            if (header->length < sizeof(ExtraHeader) + total) fail("the device tree chunk is shorter than the tree");
            pass();
        }
        offset += header->length;
    }
    fail("no device tree chunk in the extra BootInfo");
}
