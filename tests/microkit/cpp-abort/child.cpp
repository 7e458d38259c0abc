// microkit.cpp-abort, the child: a C++ PD (full runtime) whose init throws an exception that
// nothing catches. The runtime reports it with a backtrace and ends the PD with a fault.
#include <sel4/microkit.hpp>

#include <stdexcept>

namespace mk = sel4::microkit;

namespace {

struct Child : mk::Handler {
    void notified(mk::ChannelSet) {}
};

[[gnu::noinline]] void check_configuration(int answer) {
    if (answer != 0) throw std::runtime_error("the child's configuration is broken");
}

Child make_child() {
    check_configuration(42);
    return {};
}

} // namespace

SEL4_MICROKIT_PD(make_child)
