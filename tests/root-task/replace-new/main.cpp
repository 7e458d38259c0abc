// root-task.replace-new: a program's own operator new and operator delete (two of the
// replaceable forms) are the ones called, by new-expressions and by the library, while the
// runtime's other forms (arrays, aligned, nothrow) still link and work.
#include "../check.hpp"

#include <sel4/runtime/root_task.hpp>

#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace {
int news = 0;
int deletes = 0;
int *volatile kept; // new-expressions whose result escapes are not elided ([expr.new])
} // namespace

void *operator new(std::size_t size) {
    ++news;
    if (void *p = std::malloc(size))
        return p;
    throw std::bad_alloc();
}

void operator delete(void *p) noexcept {
    ++deletes;
    std::free(p);
}

void operator delete(void *p, std::size_t) noexcept {
    ++deletes;
    std::free(p);
}

int root_main(const sel4::BootInfo &) {
    const int news_before = news, deletes_before = deletes;
    kept = new int(7);
    CHECK(*kept == 7 && news == news_before + 1);
    delete kept;
    CHECK(deletes == deletes_before + 1);

    {
        std::vector<int> numbers(100, 1); // std::allocator calls ::operator new
        std::string text(200, 'x');
        CHECK(numbers.size() == 100 && text.size() == 200);
    }
    CHECK(news == news_before + 3 && deletes == deletes_before + 3);

    // The runtime's forms that the program did not replace: arrays and nothrow forward to
    // the program's (C++ [new.delete]: their default behaviour calls operator new(size)).
    auto *array = new int[16]();
    CHECK(news == news_before + 4);
    delete[] array;
    CHECK(deletes == deletes_before + 4);
    kept = new (std::nothrow) int(5);
    CHECK(kept != nullptr && news == news_before + 5);
    delete kept;
    struct alignas(256) Aligned {
        char data[8];
    };
    auto *aligned = new Aligned;
    CHECK(reinterpret_cast<std::uintptr_t>(aligned) % 256 == 0);
    delete aligned;
    auto *nothrow = new (std::nothrow) char[1 << 30]; // more than the heap: nullptr, no throw
    CHECK(nothrow == nullptr);
    sel4::debug::println("replaced new called {} times, delete {} times", news, deletes);
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
