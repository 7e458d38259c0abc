// lwip.assert: a failed lwIP assertion in a RUNTIME cxx-minimal PD logs and stops the PD
// cleanly through the runtime's fatal() (the `cpp-sel4: aborted:` line the runner reports),
// not a silent fault or a spin. The PD frees a pbuf twice: lwIP's pbuf_free asserts that the
// reference count is above 0. The test passes when the runner fails the run for that reason.
#include <sel4/lwip.hpp>
#include <sel4/microkit.hpp>

#include <lwip/pbuf.h>

#include <sel4/debug.hpp>

namespace mk = sel4::microkit;

namespace {

struct Assert : mk::Handler {
    Assert() {
        sel4::lwip::init();
        struct pbuf *buffer = pbuf_alloc(PBUF_RAW, 100, PBUF_POOL);
        if (buffer == nullptr) {
            sel4::debug::println("lwip.assert: test FAILED: no pbuf");
            return;
        }
        pbuf_free(buffer);
        sel4::debug::println("lwip.assert: freeing the pbuf a second time");
        pbuf_free(buffer);
        sel4::debug::println("lwip.assert: test FAILED: lwIP did not stop the PD");
    }
};

Assert make_assert() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_assert)
