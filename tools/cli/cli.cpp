#include "cli.hpp"

#include <algorithm>
#include <memory>

namespace cpp_sel4_cli {

namespace {

// CLI11's help, with a usage of the tool's own.
class UsageFormatter : public CLI::Formatter {
public:
    explicit UsageFormatter(std::string lines) : lines_(std::move(lines)) {}
    std::string make_usage(const CLI::App *, std::string) const override { return lines_ + "\n"; }

private:
    std::string lines_;
};

}  // namespace

std::string version_line(const std::string &tool) { return tool + " (cpp-sel4) " CPP_SEL4_VERSION; }

Tool::Tool(const std::string &name, const std::string &description) : CLI::App(description, name) {
    set_version_flag("--version", version_line(name), "Print the version and exit");
}

void Tool::usage(const std::string &lines) { formatter(std::make_shared<UsageFormatter>(lines)); }

std::optional<int> Tool::parse_arguments(std::vector<std::string> args, std::ostream &out, std::ostream &err) {
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    try {
        parse(args);
    } catch (const CLI::CallForHelp &) {
        const std::string text = help();
        out << text << (text.ends_with('\n') ? "" : "\n");
        return 0;
    } catch (const CLI::CallForVersion &version) {
        out << version.what() << '\n';
        return 0;
    } catch (const CLI::ParseError &error) {
        // An argument the tool does not know is the error to report first, before an option
        // missing, say. (ExtrasError lists its arguments last first.)
        if (remaining_size() != 0) return usage_error(CLI::ExtrasError(remaining_for_passthrough()).what(), err);
        return usage_error(error.what(), err);
    }
    return std::nullopt;
}

int Tool::usage_error(const std::string &what, std::ostream &err) const {
    err << get_name() << ": error: " << what << "\nRun '" << get_name() << " --help' for its usage.\n";
    return usage_status;
}

}  // namespace cpp_sel4_cli
