#include "output.hpp"

#include <fstream>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

namespace sel4_bindgen {

void OutputSet::commit() const {
    std::vector<std::filesystem::path> temporaries;
    auto remove_temporaries = [&] {
        std::error_code ignored;
        for (const auto &temporary : temporaries)
            std::filesystem::remove(temporary, ignored);
    };
    try {
        for (const auto &[path, content] : files_) {
            if (path.has_parent_path())
                std::filesystem::create_directories(path.parent_path());
            std::filesystem::path temporary = path;
            temporary += ".tmp-" + std::to_string(::getpid());
            temporaries.push_back(temporary);
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out << content;
            out.close();
            if (!out)
                throw std::runtime_error(path.string() + ": cannot write");
        }
        for (std::size_t i = 0; i < files_.size(); ++i)
            std::filesystem::rename(temporaries[i], files_[i].first);
    } catch (const std::filesystem::filesystem_error &error) {
        remove_temporaries();
        throw std::runtime_error(error.path1().string() + ": " + error.code().message());
    } catch (...) {
        remove_temporaries();
        throw;
    }
}

} // namespace sel4_bindgen
