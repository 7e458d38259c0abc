// The failures of the API's checks: one line naming the PD and what was wrong, then the
// runtime's abort with a backtrace (sel4_runtime::fatal), which faults the PD.
#include <sel4/microkit/channel.hpp>
#include <sel4/microkit/handler.hpp>
#include <sel4/microkit/memory.hpp>

#include <sel4/format.hpp>
#include <sel4/runtime/abort.hpp>

namespace sel4::microkit::detail {

namespace {

// A message in a buffer of its own: fatal() takes it as text, without a heap.
class Message {
public:
    template <class... Args> explicit Message(std::string_view format, const Args &...args) noexcept {
        fmt::format_to([this](char c) { put(c); }, format, args...);
    }
    std::string_view text() const noexcept { return {buffer_, length_}; }

private:
    void put(char c) noexcept {
        if (length_ < sizeof buffer_)
            buffer_[length_++] = c;
    }
    char buffer_[192];
    std::size_t length_ = 0;
};

template <class... Args> [[noreturn]] void fail(std::string_view format, const Args &...args) noexcept {
    const Message message(format, args...);
    sel4_runtime::fatal(message.text());
}

} // namespace

void invalid_channel_id(unsigned id) noexcept {
    fail("PD '{}': channel id {} is not below {}", pd_name(), id, max_channels);
}

void invalid_child_id(unsigned id) noexcept {
    fail("PD '{}': child id {} is not below {}", pd_name(), id, max_children);
}

void channel_not_valid(const char *call, unsigned id) noexcept {
    fail("PD '{}': {}: invalid channel {} (the system description gives it no such channel)", pd_name(), call, id);
}

void message_register_out_of_range(unsigned index) noexcept {
    fail("PD '{}': message register {} is not below {}", pd_name(), index, gen::MsgMaxLength);
}

void missing_entry_point(const char *entry) noexcept {
    fail("PD '{}' is missing the '{}' entry point", pd_name(), entry);
}

void region_index_out_of_range(std::size_t index, std::size_t size) noexcept {
    fail("PD '{}': memory region index {} out of range (size {})", pd_name(), index, size);
}

} // namespace sel4::microkit::detail
