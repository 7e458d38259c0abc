// __tls_get_addr on riscv64: the toolchain's libraries are built position-independent and
// reach their thread-locals (libsupc++'s exception globals) through it; the linker does not
// relax that away in a static program. A static program has one module, whose TLS data
// starts at the thread pointer (variant 1 without a control block); the offsets the linker
// fills in are biased by the ABI's TLS_DTV_OFFSET of 0x800.
#include <cstdint>

namespace {
struct TlsIndex {
    unsigned long module;
    unsigned long offset;
};
constexpr std::uintptr_t dtv_offset = 0x800;
} // namespace

extern "C" void *__tls_get_addr(const TlsIndex *index) {
    std::uintptr_t tp;
    asm("mv %0, tp" : "=r"(tp));
    return reinterpret_cast<void *>(tp + index->offset + dtv_offset);
}
