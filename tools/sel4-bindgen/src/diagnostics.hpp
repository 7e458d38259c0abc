// Errors in the kernel's interface files, reported as `file:line: what is wrong`.
#pragma once

#include <stdexcept>
#include <string>

namespace sel4_bindgen {

class InputError : public std::runtime_error {
public:
    // line 0 means the error concerns the whole file (for example, it cannot be read).
    InputError(const std::string &file, int line, const std::string &what)
        : std::runtime_error(line > 0 ? file + ":" + std::to_string(line) + ": " + what : file + ": " + what) {}
};

// Reads a whole file, or throws InputError naming it.
std::string read_text_file(const std::string &path);

} // namespace sel4_bindgen
