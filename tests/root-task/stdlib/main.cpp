// root-task.stdlib: containers, strings, function, smart pointers, optional, variant,
// expected, and formatting into strings.
#include "../check.hpp"

#include <sel4/runtime/root_task.hpp>

#include <algorithm>
#include <cstdio>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace {

std::expected<int, std::string> parse_digit(char c) {
    if (c < '0' || c > '9')
        return std::unexpected(std::string("not a digit: ") + c);
    return c - '0';
}

} // namespace

int root_main(const sel4::BootInfo &boot_info) {
    std::vector<int> numbers(1000);
    std::iota(numbers.begin(), numbers.end(), 1);
    CHECK(std::accumulate(numbers.begin(), numbers.end(), 0) == 500500);
    std::sort(numbers.begin(), numbers.end(), std::greater<>());
    CHECK(numbers.front() == 1000 && numbers.back() == 1);

    std::string text = "seL4";
    for (int i = 0; i < 100; ++i)
        text += " and C++";
    CHECK(text.size() == 4 + 100 * 8);
    CHECK(text.substr(0, 12) == "seL4 and C++");

    std::map<std::string, int> ordered{{"b", 2}, {"a", 1}, {"c", 3}};
    CHECK(ordered.begin()->first == "a" && ordered.rbegin()->second == 3);
    std::unordered_map<int, std::string> hashed;
    for (int i = 0; i < 500; ++i)
        hashed[i * 7] = std::to_string(i);
    CHECK(hashed.size() == 500 && hashed.at(7 * 123) == "123");

    int calls = 0;
    std::function<int(int)> twice = [&calls](int x) {
        ++calls;
        return 2 * x;
    };
    CHECK(twice(21) == 42 && calls == 1);

    auto shared = std::make_shared<std::vector<int>>(10, 7);
    std::weak_ptr<std::vector<int>> weak = shared;
    {
        auto copy = shared;
        CHECK(shared.use_count() == 2);
    }
    CHECK(weak.lock()->at(9) == 7);
    shared.reset();
    CHECK(weak.expired());
    auto unique = std::make_unique<std::string>("owned");
    CHECK(*unique == "owned");

    std::optional<int> maybe;
    CHECK(!maybe && maybe.value_or(5) == 5);
    maybe = 9;
    CHECK(*maybe == 9);

    std::variant<int, std::string> either = std::string("text");
    CHECK(std::visit([](const auto &v) { return sizeof(v) > 0; }, either));
    CHECK(std::holds_alternative<std::string>(either));
    either = 3;
    CHECK(std::get<int>(either) == 3);

    CHECK(parse_digit('7').value() == 7);
    CHECK(parse_digit('x').error() == "not a digit: x");

    char buffer[96];
    const int length = std::snprintf(buffer, sizeof buffer, "%s has %zu untypeds, the first at %#lx (%5.2f%%)",
                                     "the root task", static_cast<std::size_t>(boot_info.untyped().size()),
                                     static_cast<unsigned long>(boot_info.untyped_list()[0].paddr), 12.5);
    CHECK(length > 0 && std::string(buffer).find("the root task has ") == 0);
    CHECK(std::string(buffer).find("(12.50%)") != std::string::npos);
    CHECK(std::to_string(-123456789) == "-123456789");
    CHECK(std::to_string(2.5) == "2.500000");
    sel4::debug::println("{}", buffer);
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
