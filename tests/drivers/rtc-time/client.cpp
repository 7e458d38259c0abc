// rtc.time: a client of the RTC's server (channel 6, as in the standard system fragment: the
// rtc_driver on aarch64, the timer driver on riscv64) reads the wall-clock time twice and
// prints `rtc: unix time <seconds>`; check-time.sh compares it with the host's clock. The
// success line follows only when both reads are after 2020, the second not before the first,
// and the nanoseconds below 10^9. Built with RTC_EXPECT_UNAVAILABLE for rtc.wrong-device, where
// the server's memory region is another device's page (the UART's): the server logs that the
// device is not an RTC and answers rtc::Unavailable.
#include <sel4/debug.hpp>
#include <sel4/drivers/rtc.hpp>
#include <sel4/microkit.hpp>

#include <cstdint>

namespace mk = sel4::microkit;
namespace rtc = sel4::drivers::rtc;

namespace {

constexpr mk::Channel rtc_channel(6);
constexpr std::uint64_t year_2020 = 1'577'836'800; // 2020-01-01 00:00:00 UTC

struct RtcClient : mk::Handler {
    RtcClient() {
        const rtc::Client clock(rtc_channel);
#if RTC_EXPECT_UNAVAILABLE
        // rtc.wrong-device: the server's device is not an RTC; it says so, and nothing faults.
        const auto time = clock.now();
        if (time)
            sel4::debug::println("rtc.wrong-device: FAIL: a time ({} s) from a device that is no RTC", time->seconds);
        else if (time.error() != rtc::Error::unavailable)
            sel4::debug::println("rtc.wrong-device: FAIL: {}", rtc::describe(time.error()));
        else
            sel4::debug::println("rtc.wrong-device: {}, as expected\nrtc.wrong-device: test passed",
                                 rtc::describe(time.error()));
        return;
#endif
        const auto first = clock.now();
        const auto second = clock.now();
        if (!first || !second) {
            sel4::debug::println("rtc.time: FAIL: {}", rtc::describe(!first ? first.error() : second.error()));
            return;
        }
        sel4::debug::println("rtc: unix time {}", first->seconds);
        sel4::debug::println("rtc.time: then {} s {} ns", second->seconds, second->nanoseconds);
        bool passed = true;
        if (first->seconds < year_2020 || second->seconds < year_2020) {
            sel4::debug::println("rtc.time: FAIL: a time before 2020");
            passed = false;
        }
        if (second->seconds < first->seconds ||
            (second->seconds == first->seconds && second->nanoseconds < first->nanoseconds)) {
            sel4::debug::println("rtc.time: FAIL: the second read is before the first");
            passed = false;
        }
        if (first->nanoseconds >= 1'000'000'000u || second->nanoseconds >= 1'000'000'000u) {
            sel4::debug::println("rtc.time: FAIL: nanoseconds of a second or more");
            passed = false;
        }
        if (passed)
            sel4::debug::println("rtc.time: test passed");
    }
    void notified(mk::ChannelSet) {}
};

RtcClient make_client() { return RtcClient(); }

} // namespace

SEL4_MICROKIT_PD(make_client)
