// The timer driver's work (src/service.hpp) over a fake clock: one deadline per client, the
// device armed at the earliest, expiry in one sweep (several clients at once, lowest id
// first), a deadline already passed notified at once, replacing and cancelling, and the
// device disarmed when nothing is left.
#include "service.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace as = sel4::async;

namespace {

struct FakeClock final : as::Clock {
    std::uint64_t time = 1000;
    std::optional<std::uint64_t> armed;
    int writes = 0;
    as::Instant now() noexcept override { return as::Instant::from_nanoseconds(time); }
    void set_timeout(as::Instant deadline) noexcept override {
        armed = deadline.nanoseconds();
        ++writes;
    }
    void cancel_timeout() noexcept override {
        armed.reset();
        ++writes;
    }
};

struct Rig {
    FakeClock clock;
    timer_driver::Service<FakeClock, 8> service{clock};
    std::vector<unsigned> notified;
    auto notifier() {
        return [this](unsigned id) { notified.push_back(id); };
    }
};

TEST(Service, ArmsTheEarliestDeadlineOfAllClients) {
    Rig rig;
    EXPECT_FALSE(rig.clock.armed);
    EXPECT_TRUE(rig.service.set(3, 5000, rig.notifier()));
    EXPECT_EQ(rig.clock.armed, 5000u);
    EXPECT_TRUE(rig.service.set(0, 3000, rig.notifier()));
    EXPECT_EQ(rig.clock.armed, 3000u);
    EXPECT_TRUE(rig.service.set(5, 4000, rig.notifier()));
    EXPECT_EQ(rig.clock.armed, 3000u);
    EXPECT_TRUE(rig.notified.empty());
}

TEST(Service, ExpiryNotifiesEveryPassedDeadlineThenRearms) {
    Rig rig;
    (void)rig.service.set(4, 3000, rig.notifier());
    (void)rig.service.set(1, 3000, rig.notifier());
    (void)rig.service.set(2, 7000, rig.notifier());
    rig.clock.time = 2999; // an interrupt with nothing due (a stale one): nothing fires
    EXPECT_EQ(rig.service.expire(rig.notifier()), 0u);
    EXPECT_EQ(rig.clock.armed, 3000u);
    rig.clock.time = 3500;
    EXPECT_EQ(rig.service.expire(rig.notifier()), 2u);
    EXPECT_EQ(rig.notified, (std::vector<unsigned>{1, 4}));
    EXPECT_EQ(rig.clock.armed, 7000u);
    EXPECT_FALSE(rig.service.deadline(1));
    rig.clock.time = 9000;
    EXPECT_EQ(rig.service.expire(rig.notifier()), 1u);
    EXPECT_FALSE(rig.clock.armed); // nothing left: disarmed
    EXPECT_EQ(rig.service.expiries(), 3u);
}

TEST(Service, APassedDeadlineIsNotifiedAtOnce) {
    Rig rig;
    (void)rig.service.set(2, 5000, rig.notifier());
    EXPECT_TRUE(rig.service.set(2, 1000, rig.notifier())); // now is 1000: passed
    EXPECT_EQ(rig.notified, (std::vector<unsigned>{2}));
    EXPECT_FALSE(rig.service.deadline(2)); // and it replaced the one before
    EXPECT_FALSE(rig.clock.armed);
}

TEST(Service, ReplacingAndCancelling) {
    Rig rig;
    (void)rig.service.set(1, 3000, rig.notifier());
    (void)rig.service.set(1, 8000, rig.notifier()); // one deadline per client: replaced
    EXPECT_EQ(rig.clock.armed, 8000u);
    (void)rig.service.set(6, 6000, rig.notifier());
    rig.service.cancel(6);
    EXPECT_EQ(rig.clock.armed, 8000u);
    rig.service.cancel(6); // nothing to cancel
    rig.service.cancel(1);
    EXPECT_FALSE(rig.clock.armed);
    rig.clock.time = 10000;
    EXPECT_EQ(rig.service.expire(rig.notifier()), 0u);
    EXPECT_TRUE(rig.notified.empty());
}

TEST(Service, IdsOutOfRangeAreRefused) {
    Rig rig;
    EXPECT_FALSE(rig.service.set(8, 5000, rig.notifier()));
    rig.service.cancel(100);
    EXPECT_FALSE(rig.clock.armed);
    EXPECT_FALSE(rig.service.deadline(8));
}

} // namespace
