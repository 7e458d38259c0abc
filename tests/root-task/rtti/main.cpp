// root-task.rtti: typeid and dynamic_cast (down, cross and failing casts).
#include "../check.hpp"

#include <sel4/runtime/root_task.hpp>

#include <string_view>
#include <typeinfo>

namespace {

struct Base {
    virtual ~Base() = default;
};
struct Left : virtual Base {};
struct Right : virtual Base {};
struct Both : Left, Right {};
struct Other : Base {};

[[gnu::noinline]] Base *make(int which) {
    static Both both;
    static Other other;
    return which == 0 ? static_cast<Base *>(static_cast<Left *>(&both)) : &other;
}

} // namespace

int root_main(const sel4::BootInfo &) {
    Base *both = make(0);
    Base *other = make(1);
    CHECK(typeid(*both) == typeid(Both));
    CHECK(typeid(*other) == typeid(Other));
    CHECK(typeid(*both) != typeid(*other));
    CHECK(std::string_view(typeid(Both).name()).find("Both") != std::string_view::npos);

    CHECK(dynamic_cast<Both *>(both) != nullptr);
    CHECK(dynamic_cast<Right *>(dynamic_cast<Left *>(both)) != nullptr); // cross cast
    CHECK(dynamic_cast<Both *>(other) == nullptr);
    CHECK(dynamic_cast<void *>(both) == static_cast<void *>(dynamic_cast<Both *>(both)));
    try {
        (void)dynamic_cast<Both &>(*other);
        CHECK(false);
    } catch (const std::bad_cast &) {
    }
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
