// What a program linked without libstdc++ (sel4-root-task-minimal, sel4-component-minimal)
// still needs of it: the helpers that the library's headers call on a precondition failure
// even under -fno-exceptions (std::string_view's bounds checks). Here they abort.
#include <sel4/runtime/abort.hpp>

namespace std {
[[noreturn]] void __throw_out_of_range_fmt(const char *format, ...) {
    sel4_runtime::fatal("std::out_of_range: ", format);
}
} // namespace std
