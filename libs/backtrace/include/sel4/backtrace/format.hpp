// The compact backtrace format: what a device prints on its debug console so
// that the host tool sel4-symbolize can turn it into functions, files and lines.
//
// A backtrace is a block of lines, each starting with the marker
// "cpp-sel4: backtrace: " (anything before the marker on the same line is
// ignored, so prefixes such as timestamps or a protection domain's name do no
// harm):
//
//   cpp-sel4: backtrace: begin <program>
//   cpp-sel4: backtrace: #<n> <kind> 0x<address>[ <symbol>+0x<offset>]
//   ...
//   cpp-sel4: backtrace: end <count>
//
// <program>  names the program whose ELF symbolizes the block: a name or a
//            build id, one token of printable ASCII without spaces, at most
//            max_program_length characters ("-" when unknown).
// #<n>       frame numbers in decimal, from #0 (innermost) upwards, no gaps.
// <kind>     "pc": an exact instruction address (a faulting pc, or the pc at
//            which the trace was taken); the symbolizer looks it up as is.
//            "ra": a return address; the symbolizer looks up <address> - 1,
//            so that the line of the call comes out, not the line after it.
// <address>  lowercase hexadecimal, no leading zeros.
// <symbol>+0x<offset>  optional: the function the device found for <address>
//            in its own symbol table (runtime-symbols), and <address>'s offset
//            in it. The name may hold spaces (a demangled signature); the
//            offset, in lowercase hexadecimal, ends the line.
// <count>    the number of frame lines in the block, in decimal; it lets the
//            host tell a complete block from one whose tail was lost.
//
// The count comes at the end so that a device can print frames while it walks
// the stack, without storing them. Other output may come between the lines of a
// block; a block whose end line is missing, or whose frames are not numbered
// 0..count-1, is reported as incomplete by the parser.
//
// The writing half below is freestanding (no heap, no libc): it emits
// characters through any callable taking a char. The parsing half is for the
// host and uses the standard library.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sel4::backtrace {

inline constexpr char line_marker[] = "cpp-sel4: backtrace: ";
inline constexpr std::size_t max_program_length = 64;

enum class FrameKind : unsigned char { pc, return_address };

namespace detail {

template <class Put>
void put_text(Put &put, const char *text) {
    while (*text != '\0') put(*text++);
}

template <class Put>
void put_decimal(Put &put, std::uint64_t value) {
    char digits[20];
    std::size_t count = 0;
    do {
        digits[count++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (count != 0) put(digits[--count]);
}

template <class Put>
void put_hex(Put &put, std::uint64_t value) {
    char digits[16];
    std::size_t count = 0;
    do {
        digits[count++] = "0123456789abcdef"[value % 16];
        value /= 16;
    } while (value != 0);
    put('0');
    put('x');
    while (count != 0) put(digits[--count]);
}

}  // namespace detail

// "cpp-sel4: backtrace: begin <program>\n". Characters of the name outside
// printable ASCII, and spaces, become '_'; a longer name is cut.
template <class Put>
void write_begin(Put &&put, const char *program) {
    detail::put_text(put, line_marker);
    detail::put_text(put, "begin ");
    if (program == nullptr || *program == '\0') {
        put('-');
    } else {
        for (std::size_t i = 0; i < max_program_length && program[i] != '\0'; ++i) {
            char c = program[i];
            put(c > ' ' && c <= '~' ? c : '_');
        }
    }
    put('\n');
}

// "cpp-sel4: backtrace: #<index> pc|ra 0x<address>[ <symbol>+0x<offset>]\n", the
// symbol when one is given (not null or empty). Characters of the symbol outside
// printable ASCII become '_'.
template <class Put>
void write_frame(Put &&put, std::size_t index, FrameKind kind, std::uintptr_t address,
                 const char *symbol = nullptr, std::uint64_t symbol_offset = 0) {
    detail::put_text(put, line_marker);
    put('#');
    detail::put_decimal(put, index);
    detail::put_text(put, kind == FrameKind::pc ? " pc " : " ra ");
    detail::put_hex(put, address);
    if (symbol != nullptr && *symbol != '\0') {
        put(' ');
        for (; *symbol != '\0'; ++symbol) put(*symbol >= ' ' && *symbol <= '~' ? *symbol : '_');
        put('+');
        detail::put_hex(put, symbol_offset);
    }
    put('\n');
}

// "cpp-sel4: backtrace: end <count>\n"
template <class Put>
void write_end(Put &&put, std::size_t count) {
    detail::put_text(put, line_marker);
    detail::put_text(put, "end ");
    detail::put_decimal(put, count);
    put('\n');
}

// Writes one block, numbering the frames itself: the begin line when made,
// a line per frame(), the end line at end().
template <class Put>
class Writer {
public:
    Writer(Put put, const char *program) : put_(put) { write_begin(put_, program); }

    void frame(FrameKind kind, std::uintptr_t address, const char *symbol = nullptr, std::uint64_t symbol_offset = 0) {
        write_frame(put_, count_++, kind, address, symbol, symbol_offset);
    }
    void end() { write_end(put_, count_); }

private:
    Put put_;
    std::size_t count_ = 0;
};

}  // namespace sel4::backtrace

#if __STDC_HOSTED__
#include <string>
#include <string_view>
#include <vector>

namespace sel4::backtrace {

struct Frame {
    std::size_t index;
    FrameKind kind;
    std::uint64_t address;
    std::size_t line;  // 1-based line of the log
    std::string symbol = {};  // "<symbol>+0x<offset>" when the device gave one, else empty
};

struct Problem {
    std::size_t line;  // 1-based line of the log
    std::string message;
};

struct Block {
    std::string program;
    std::size_t first_line = 0;  // the begin line
    std::size_t last_line = 0;   // the end line, or the last line that belonged to the block
    std::vector<Frame> frames;   // well-formed frame lines, in log order
    bool ended = false;          // an end line closed the block
    std::vector<Problem> problems;

    bool complete() const { return ended && problems.empty(); }
};

struct ParsedLog {
    std::vector<Block> blocks;
    std::vector<Problem> stray;  // backtrace lines outside any block
};

namespace detail {

inline std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        std::size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
        if (i > start) words.push_back(text.substr(start, i - start));
    }
    return words;
}

// Decimal without sign or leading zeros (other than "0"), at most 9 digits.
inline bool parse_decimal(std::string_view text, std::size_t &value) {
    if (text.empty() || text.size() > 9 || (text.size() > 1 && text[0] == '0')) return false;
    value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<std::size_t>(c - '0');
    }
    return true;
}

// "0x" and 1 to 16 hexadecimal digits.
inline bool parse_address(std::string_view text, std::uint64_t &value) {
    if (text.size() < 3 || text.size() > 18 || text[0] != '0' || text[1] != 'x') return false;
    value = 0;
    for (char c : text.substr(2)) {
        unsigned digit;
        if (c >= '0' && c <= '9') {
            digit = static_cast<unsigned>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            digit = static_cast<unsigned>(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            digit = static_cast<unsigned>(c - 'A' + 10);
        } else {
            return false;
        }
        value = value * 16 + digit;
    }
    return true;
}

inline std::string quoted(std::string_view record) {
    constexpr std::size_t shown = 80;
    std::string text = "'";
    for (char c : record.substr(0, shown)) text += (c >= ' ' && c <= '~') ? c : '?';
    return text + (record.size() > shown ? "...'" : "'");
}

}  // namespace detail

// Finds every backtrace block in a console log. Lines end in "\n", "\r\n" or
// "\r\r\n"; lines without the marker are ignored. Never throws on any input
// other than allocation failure.
inline ParsedLog parse_log(std::string_view log) {
    ParsedLog parsed;
    Block *open = nullptr;
    auto close_truncated = [&](std::string reason) {
        open->problems.push_back({open->last_line, "no end line (" + std::move(reason) + ")"});
        open = nullptr;
    };
    std::size_t line_number = 0;
    std::size_t position = 0;
    while (position < log.size()) {
        std::size_t newline = log.find('\n', position);
        std::size_t stop = newline == std::string_view::npos ? log.size() : newline;
        std::string_view line = log.substr(position, stop - position);
        while (line.ends_with('\r')) line.remove_suffix(1);
        position = stop + 1;
        ++line_number;

        std::size_t marker = line.rfind(line_marker);
        if (marker == std::string_view::npos) continue;
        std::string_view record = line.substr(marker + sizeof line_marker - 1);
        std::vector<std::string_view> words = detail::split_words(record);
        auto problem = [&](std::string message) {
            Problem p{line_number, std::move(message)};
            if (open != nullptr) {
                open->problems.push_back(std::move(p));
            } else {
                parsed.stray.push_back(std::move(p));
            }
        };
        std::size_t number = 0;
        std::uint64_t address = 0;
        if (!words.empty() && words[0] == "begin") {
            if (words.size() != 2 || words[1].size() > max_program_length) {
                problem("malformed begin line " + detail::quoted(record) + ", expected 'begin <program>'");
                continue;
            }
            if (open != nullptr) close_truncated("a new block begins at line " + std::to_string(line_number));
            open = &parsed.blocks.emplace_back();
            open->program = std::string(words[1]);
            open->first_line = open->last_line = line_number;
        } else if (!words.empty() && words[0] == "end") {
            if (words.size() != 2 || !detail::parse_decimal(words[1], number)) {
                problem("malformed end line " + detail::quoted(record) + ", expected 'end <count>'");
                continue;
            }
            if (open == nullptr) {
                problem("end line outside a backtrace block");
                continue;
            }
            open->last_line = line_number;
            open->ended = true;
            if (number != open->frames.size())
                open->problems.push_back({line_number, "the end line counts " + std::to_string(number) +
                                                           " frames but " + std::to_string(open->frames.size()) +
                                                           " were read"});
            open = nullptr;
        } else if (!words.empty() && words[0].starts_with('#')) {
            FrameKind kind = words.size() >= 3 && words[1] == "pc" ? FrameKind::pc : FrameKind::return_address;
            // The optional symbol: the rest of the line, ending in "+0x<offset>".
            std::string_view symbol;
            if (words.size() > 3) {
                symbol = record.substr(static_cast<std::size_t>(words[3].data() - record.data()));
                while (symbol.ends_with(' ') || symbol.ends_with('\t')) symbol.remove_suffix(1);
            }
            std::size_t plus = symbol.rfind('+');
            std::uint64_t offset = 0;
            bool symbol_ok = symbol.empty() || (plus != std::string_view::npos && plus != 0 &&
                                                detail::parse_address(symbol.substr(plus + 1), offset));
            if (words.size() < 3 || (words[1] != "pc" && words[1] != "ra") || !symbol_ok ||
                !detail::parse_decimal(words[0].substr(1), number) || !detail::parse_address(words[2], address)) {
                problem("malformed frame line " + detail::quoted(record) +
                        ", expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'");
                continue;
            }
            if (open == nullptr) {
                problem("frame #" + std::to_string(number) + " outside a backtrace block");
                continue;
            }
            open->last_line = line_number;
            if (number != open->frames.size())
                open->problems.push_back({line_number, "frame #" + std::to_string(number) + " where #" +
                                                           std::to_string(open->frames.size()) + " was expected"});
            open->frames.push_back({number, kind, address, line_number, std::string(symbol)});
        } else {
            problem("unrecognised backtrace line " + detail::quoted(record));
        }
    }
    if (open != nullptr) close_truncated("the log ends");
    return parsed;
}

}  // namespace sel4::backtrace
#endif
