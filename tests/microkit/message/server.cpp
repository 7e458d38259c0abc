// microkit.message's server: decodes each protected call as one of protocol::Requests and
// replies with its response, or with an error reply for a request that does not decode
// (sel4::message::serve). Logs through sel4::log, whose lines carry the PD's name.
#include <sel4/log.hpp>
#include <sel4/message/microkit.hpp>
#include <sel4/microkit.hpp>

#include "protocol.hpp"

namespace mk = sel4::microkit;
namespace msg = sel4::message;
using namespace protocol;

namespace {

constexpr std::string_view name_of(Shape shape) {
    switch (shape) {
    case Shape::circle: return "circle";
    case Shape::square: return "square";
    case Shape::triangle: return "triangle";
    }
    return "?";
}

struct Answer {
    unsigned *served;
    Sum operator()(const Add &add) const noexcept {
        ++*served;
        const std::int64_t value = std::int64_t{add.a} + add.b;
        return {value, value < 0};
    }
    Description operator()(const Describe &request) const noexcept {
        ++*served;
        Description description{};
        std::uint8_t n = 0;
        auto put = [&](std::string_view text) {
            for (char c : text)
                if (n < description.text.size())
                    description.text[n++] = c;
        };
        std::size_t who = 0;
        while (who < request.who.size() && request.who[who] != '\0')
            ++who;
        put("a ");
        put(name_of(request.shape));
        put(" for ");
        put(std::string_view(request.who.data(), who));
        put(request.excited ? "!" : ".");
        description.length = n;
        return description;
    }
    sel4::MessageInfo operator()(const Garble &) const noexcept {
        ++*served;
        const Sum bad{};
        const sel4::MessageInfo info = msg::reply(bad);
        msg::message_registers()[1] = 7; // Sum::negative, a bool
        return info;
    }
};

class Server : public mk::Handler {
public:
    Server() { sel4::log::info("serving protocol::Requests"); }

    sel4::MessageInfo protected_call(mk::Channel, sel4::MessageInfo info) noexcept {
        return msg::serve<Requests>(info, Answer{&served_});
    }

private:
    unsigned served_ = 0;
};

Server make_server() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_server)
