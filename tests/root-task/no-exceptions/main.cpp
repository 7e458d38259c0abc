// root-task.no-exceptions: a program built with -fno-exceptions (and no RTTI) still has
// the heap, the containers and TLS.
#include "../check.hpp"

#include <sel4/runtime/root_task.hpp>

#include <map>
#include <string>
#include <vector>

namespace {
thread_local int per_thread = 11;
}

int root_main(const sel4::BootInfo &boot_info) {
    std::vector<std::string> names;
    for (sel4::Word i = 0; i < boot_info.untyped().size(); ++i)
        names.push_back("untyped-" + std::to_string(i));
    std::map<std::string, sel4::Word> sizes;
    for (sel4::Word i = 0; i < names.size(); ++i)
        sizes[names[i]] = sel4::Word{1} << boot_info.untyped_list()[i].size_bits;
    CHECK(sizes.size() == boot_info.untyped().size());
    CHECK(per_thread == 11);
    per_thread = 12;
    CHECK(per_thread == 12);
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
