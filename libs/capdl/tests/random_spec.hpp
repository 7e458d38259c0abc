// Random specs for the host tests: every object kind, cap kind and optional field occurs.
#pragma once

#include <sel4/capdl/spec.hpp>

#include <random>

namespace capdl_test {

class RandomSpec {
public:
    explicit RandomSpec(unsigned seed) : random_(seed) {}

    sel4::capdl::Spec make(std::size_t objects);

private:
    std::uint64_t word() { return std::uniform_int_distribution<std::uint64_t>()(random_); }
    std::uint64_t below(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(random_); }
    bool coin() { return below(2) == 1; }
    template <class T> std::optional<T> maybe(T value) { return coin() ? std::optional<T>(value) : std::nullopt; }

    sel4::capdl::Rights rights();
    sel4::capdl::Cap cap(std::size_t objects);
    sel4::capdl::CapTable slots(std::size_t objects);
    sel4::capdl::Object object(std::size_t objects);

    std::mt19937_64 random_;
};

} // namespace capdl_test
