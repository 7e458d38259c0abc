// The printf engine shared by the snprintf family (src/format.cpp) and the console stdio
// functions (src/stdio.cpp).
#pragma once

#include <cstdarg>
#include <cstddef>

namespace sel4_runtime::detail {

// Where formatted text goes: a buffer of `capacity` bytes. With a `flush` function the buffer
// is handed to it whenever it fills up (console output); without one, what does not fit is
// counted and dropped (snprintf).
class FormatOutput {
public:
    using Flush = void (*)(const char *data, std::size_t size);

    FormatOutput(char *buffer, std::size_t capacity, Flush flush = nullptr) noexcept
        : buffer_(buffer), capacity_(capacity), flush_(flush) {}

    void put(char c) noexcept {
        ++total_;
        if (used_ == capacity_) {
            if (flush_ == nullptr)
                return;
            drain();
        }
        buffer_[used_++] = c;
    }

    // Hands what the buffer holds to `flush`, if there is one.
    void drain() noexcept {
        if (flush_ != nullptr && used_ != 0)
            flush_(buffer_, used_);
        used_ = 0;
    }

    std::size_t used() const noexcept { return used_; }
    std::size_t total() const noexcept { return total_; }

private:
    char *buffer_;
    std::size_t capacity_;
    Flush flush_;
    std::size_t used_ = 0;
    std::size_t total_ = 0; // everything written, kept or dropped
};

// Formats like C's vprintf into `out`. Returns the length of the whole output, or -1 when the
// format is not supported (positional arguments, unknown conversions, %lc/%ls of a non-ASCII
// character) or the length exceeds INT_MAX; what was written before that stays written.
int format(FormatOutput &out, const char *format, va_list args) noexcept;

} // namespace sel4_runtime::detail
