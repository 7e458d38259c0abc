// The hello root task of the size benchmark, in the variants chosen by the macros the
// benchmark's CMakeLists.txt sets: minimal (no heap, no TLS, no exceptions), plus heap,
// plus exceptions, plus the standard library; hello through std::cout; hello from a
// std::thread.
#include <sel4/runtime/root_task.hpp>

#if defined(HELLO_HEAP) || defined(HELLO_EXCEPTIONS) || defined(HELLO_STDLIB)
#include <cstdlib>
#endif
#if defined(HELLO_EXCEPTIONS) || defined(HELLO_STDLIB)
#include <stdexcept>
#endif
#ifdef HELLO_IOSTREAM
#include <iostream>
#endif
#ifdef HELLO_THREAD
#include <thread>
#endif
#ifdef HELLO_STDLIB
#include <cstdio>
#include <map>
#include <string>
#include <vector>
#endif

int root_main(const sel4::BootInfo &boot_info) {
#if defined(HELLO_IOSTREAM)
    std::cout << "hello from node " << boot_info.node_id() << std::endl;
#elif defined(HELLO_THREAD)
    std::thread([&boot_info] { sel4::debug::println("hello from node {}", boot_info.node_id()); }).join();
#else
    sel4::debug::println("hello from node {}", boot_info.node_id());
#endif
#if defined(HELLO_HEAP) || defined(HELLO_EXCEPTIONS) || defined(HELLO_STDLIB)
    void *memory = std::malloc(100);
    std::free(memory);
#endif
#if defined(HELLO_EXCEPTIONS) || defined(HELLO_STDLIB)
    try {
        throw std::runtime_error("caught");
    } catch (const std::exception &error) {
        sel4::debug::println("{}", error.what());
    }
#endif
#ifdef HELLO_STDLIB
    std::vector<std::string> words{"a", "b"};
    std::map<std::string, int> counts;
    for (const auto &word : words)
        ++counts[word];
    char line[32];
    std::snprintf(line, sizeof line, "%zu words", counts.size());
    sel4::debug::println("{}", line);
#endif
    return 0;
}

SEL4_ROOT_TASK_MAIN(root_main)
