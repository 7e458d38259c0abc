// hello in C++ against sel4::microkit's Handler API, on the full PD runtime: the handler is a
// class, the output goes through iostreams, and an exception is thrown and caught on the way.
#include <sel4/microkit.hpp>

#include <iostream>
#include <stdexcept>
#include <string>

namespace mk = sel4::microkit;

namespace {

class Hello : public mk::Handler {
public:
    Hello() {
        std::string greeting = "hello, world";
        try {
            throw std::runtime_error(greeting);
        } catch (const std::exception &error) {
            std::cout << error.what() << " (from C++, PD '" << mk::pd_name() << "')" << std::endl;
        }
    }
    void notified(mk::ChannelSet) {}
};

Hello make_hello() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_hello)
