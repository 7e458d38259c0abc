// System call numbers from libsel4/include/api/syscall.xml.
//
// As seL4's own header generator numbers them: the API list (<api-master>, or <api-mcs> when
// KERNEL_MCS is set) then the <debug> list, from -1 downwards, every syscall counted whether
// or not its <config> block's <condition> holds; the condition only decides whether the
// syscall exists in this configuration.
#pragma once

#include "config.hpp"

#include <string>
#include <vector>

namespace sel4_bindgen::syscalls {

struct Syscall {
    std::string name;
    long number = 0;
    bool included = true;
    std::string condition; // as written in C (`defined(CONFIG_X) && ...`), empty when none
    int line = 0;
};

struct Syscalls {
    std::string api; // "api-master" or "api-mcs"
    std::vector<Syscall> list;
};

Syscalls parse(const std::string &text, const std::string &path, const config::Config &config);
Syscalls load(const std::string &path, const config::Config &config);

} // namespace sel4_bindgen::syscalls
