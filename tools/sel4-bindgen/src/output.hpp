// Writes a set of files all or nothing: each goes to a temporary name beside its final
// path and is renamed into place only once every file has been written.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace sel4_bindgen {

class OutputSet {
public:
    void add(std::filesystem::path path, std::string content) { files_.emplace_back(std::move(path), std::move(content)); }

    // Throws std::runtime_error naming the file; then no temporary file is left behind and no
    // final path has been changed (renames are the last step and do not fail on one filesystem).
    void commit() const;

private:
    std::vector<std::pair<std::filesystem::path, std::string>> files_;
};

} // namespace sel4_bindgen
