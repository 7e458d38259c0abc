#include "diagnostics.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sel4_bindgen {

std::string read_text_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path, 0, std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw InputError(path, 0, "cannot read");
    return text.str();
}

} // namespace sel4_bindgen
