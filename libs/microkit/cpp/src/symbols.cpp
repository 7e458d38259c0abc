// The symbols the Microkit tool patches (symbols.rs), with libmicrokit's names and types. In
// .data, so that the ELF file holds bytes to patch, and retained through --gc-sections, since
// the tool refuses a PD that lacks any of them.
#include <sel4/microkit/abi.hpp>

#define PATCHED [[gnu::used, gnu::retain, gnu::section(".data")]]

extern "C" {
PATCHED char microkit_name[sel4::microkit::pd_name_length] = {};
PATCHED bool microkit_passive = false;
PATCHED sel4::Word microkit_irqs = 0;
PATCHED sel4::Word microkit_notifications = 0;
PATCHED sel4::Word microkit_pps = 0;
PATCHED sel4::Word microkit_ioports = 0;
}
