// A first root task. seL4 starts it as the only thread of the system, holding every
// capability; the runtime has already set up its stack, TLS, heap and static constructors,
// and hands it the kernel's BootInfo. Ordinary C++ works from the first line.
#include <sel4/runtime/root_task.hpp>

#include <iostream>
#include <map>
#include <string>

namespace {

int hello_main(const sel4::BootInfo &boot_info) {
    std::cout << "Hello from a C++ root task on seL4!" << std::endl;

    // The BootInfo tells what the root task holds: here, the untyped memory it may turn into
    // kernel objects, by size.
    std::map<unsigned, std::size_t> untypeds_by_size;
    for (const auto &untyped : boot_info.untyped_list()) {
        if (!untyped.is_device) {
            ++untypeds_by_size[untyped.size_bits];
        }
    }
    std::cout << "untyped memory, as 2^bits bytes:";
    for (auto [bits, count] : untypeds_by_size) {
        std::cout << ' ' << count << "x2^" << bits;
    }
    std::cout << '\n';

    std::string greeting = "the heap works";
    greeting += ", and so does std::string";
    std::cout << greeting << '\n';
    return 0; // like a return from main: std::exit(0)
}

} // namespace

SEL4_ROOT_TASK_MAIN(hello_main)
