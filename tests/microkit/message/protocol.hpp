// microkit.message's protocol between client.cpp and server.cpp: two requests and their
// responses, and a request whose reply the server deliberately garbles.
#pragma once

#include <sel4/message.hpp>

#include <array>
#include <cstdint>

namespace protocol {

namespace msg = sel4::message;

enum class Shape : std::uint8_t { circle, square, triangle };
constexpr msg::EnumRange<Shape> message_enum_range(Shape) noexcept { return {Shape::circle, Shape::triangle}; }

struct Add {
    static constexpr msg::Word label = 1;
    static constexpr const char *name = "Add";
    std::int32_t a;
    std::int32_t b;
    static constexpr auto fields = std::tuple{msg::Field{"a", &Add::a}, msg::Field{"b", &Add::b}};
};
struct Sum {
    static constexpr msg::Word label = 1;
    static constexpr const char *name = "Sum";
    std::int64_t value;
    bool negative;
    static constexpr auto fields = std::tuple{msg::Field{"value", &Sum::value}, msg::Field{"negative", &Sum::negative}};
};

struct Describe {
    static constexpr msg::Word label = 2;
    static constexpr const char *name = "Describe";
    std::array<char, 12> who; // two words, the second's last four bytes unused
    Shape shape;
    bool excited;
    static constexpr auto fields = std::tuple{msg::Field{"who", &Describe::who}, msg::Field{"shape", &Describe::shape},
                                              msg::Field{"excited", &Describe::excited}};
};
struct Description {
    static constexpr msg::Word label = 2;
    static constexpr const char *name = "Description";
    std::array<char, 40> text;
    std::uint8_t length;
    static constexpr auto fields =
        std::tuple{msg::Field{"text", &Description::text}, msg::Field{"length", &Description::length}};
};

// The server answers it with a Sum whose bool is 7: the client's decoding must refuse it.
struct Garble {
    static constexpr msg::Word label = 3;
    static constexpr const char *name = "Garble";
    static constexpr std::tuple<> fields{};
};

using Requests = msg::Protocol<Add, Describe, Garble>;

} // namespace protocol
