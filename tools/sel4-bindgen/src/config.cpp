#include "config.hpp"

#include "diagnostics.hpp"

#include <cctype>

namespace sel4_bindgen::config {

namespace {

// Just enough JSON for gen_config.json, written here so that every error can name its line.
class JsonReader {
public:
    JsonReader(const std::string &text, const std::string &path) : text_(text), path_(path) {}

    template <typename OnEntry> void read_object(OnEntry on_entry) {
        skip_space();
        expect('{');
        skip_space();
        if (accept('}'))
            return finish();
        for (;;) {
            skip_space();
            int key_line = line_;
            if (peek() != '"')
                fail("expected a string key");
            std::string key = read_string();
            skip_space();
            expect(':');
            skip_space();
            on_entry(key, read_value(key), key_line);
            skip_space();
            if (accept('}'))
                return finish();
            if (!accept(','))
                fail(std::string("expected ',' or '}'") + (at_end() ? " before the end of the file" : ""));
        }
    }

private:
    [[noreturn]] void fail(const std::string &what) const { throw InputError(path_, line_, what); }

    char peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }
    bool at_end() const { return position_ >= text_.size(); }
    bool accept(char c) {
        if (at_end() || text_[position_] != c)
            return false;
        ++position_;
        return true;
    }
    void expect(char c) {
        if (!accept(c))
            fail(std::string("expected '") + c + "'" + (at_end() ? " before the end of the file" : ""));
    }
    void skip_space() {
        while (!at_end() && std::isspace(static_cast<unsigned char>(text_[position_]))) {
            if (text_[position_] == '\n')
                ++line_;
            ++position_;
        }
    }
    void finish() {
        skip_space();
        if (!at_end())
            fail("unexpected text after the closing '}'");
    }

    Value read_value(const std::string &key) {
        char c = peek();
        if (c == '"')
            return read_string();
        if (text_.compare(position_, 4, "true") == 0)
            return position_ += 4, true;
        if (text_.compare(position_, 5, "false") == 0)
            return position_ += 5, false;
        if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
            // Numbers keep their spelling, as gen_config.h would #define them.
            std::size_t start = position_;
            while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '-' ||
                                 peek() == '+' || peek() == '.'))
                ++position_;
            return text_.substr(start, position_ - start);
        }
        if (at_end())
            fail("value of '" + key + "' missing before the end of the file");
        fail("value of '" + key + "' must be a boolean, a string or a number");
    }

    std::string read_string() {
        expect('"');
        std::string out;
        for (;;) {
            if (at_end() || peek() == '\n')
                fail("unterminated string");
            char c = text_[position_++];
            if (c == '"')
                return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (at_end())
                fail("unterminated string");
            char escaped = text_[position_++];
            switch (escaped) {
            case '"': case '\\': case '/': out += escaped; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            default: fail(std::string("unsupported escape '\\") + escaped + "' in a string");
            }
        }
    }

    const std::string &text_;
    const std::string &path_;
    std::size_t position_ = 0;
    int line_ = 1;
};

} // namespace

void Config::load(const std::string &path) { parse(read_text_file(path), path); }

void Config::parse(const std::string &text, const std::string &path) {
    JsonReader(text, path).read_object([&](const std::string &key, Value value, int line) {
        std::string where = path + ":" + std::to_string(line);
        if (auto it = origin_.find(key); it != origin_.end())
            throw InputError(path, line, "key '" + key + "' is already defined at " + it->second);
        origin_.emplace(key, where);
        entries_.emplace(key, std::move(value));
    });
}

bool Config::is_defined(const std::string &key) const {
    auto it = entries_.find(key);
    if (it == entries_.end())
        return false;
    if (const bool *flag = std::get_if<bool>(&it->second))
        return *flag;
    return true;
}

std::map<std::string, std::string> Config::defines() const {
    std::map<std::string, std::string> macros;
    for (const auto &[key, value] : entries_) {
        if (const std::string *text = std::get_if<std::string>(&value))
            macros.emplace("CONFIG_" + key, *text);
        else if (std::get<bool>(value))
            macros.emplace("CONFIG_" + key, "1");
    }
    return macros;
}

} // namespace sel4_bindgen::config
