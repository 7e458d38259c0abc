// The command lines of cpp-sel4's host tools, all parsed with CLI11 in the same way: every
// tool answers --help and --version ("<tool> (cpp-sel4) <version>", cpp-sel4's version) and
// reports a wrong command line as one line "<tool>: error: <what>" and a hint to run --help,
// with exit status 2.
#pragma once

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace cpp_sel4_cli {

// The exit status of a usage error.
inline constexpr int usage_status = 2;

// "<tool> (cpp-sel4) <version>".
std::string version_line(const std::string &tool);

// A tool's command line: add its options as to any CLI::App, then parse_arguments.
class Tool : public CLI::App {
public:
    Tool(const std::string &name, const std::string &description);

    // Replaces the help's usage line ("Usage: <tool> [OPTIONS] ...") with these lines.
    void usage(const std::string &lines);

    // Parses the arguments that follow the program name. When parsing ends the tool, prints
    // what it has to (the help or the version on `out`, a usage error on `err`) and returns
    // the exit status: 0 or usage_status. Returns nullopt when the tool is to go on.
    std::optional<int> parse_arguments(std::vector<std::string> args, std::ostream &out = std::cout,
                                       std::ostream &err = std::cerr);

    // Reports a usage error that the tool finds in its options after parsing; returns usage_status.
    int usage_error(const std::string &what, std::ostream &err = std::cerr) const;
};

}  // namespace cpp_sel4_cli
