// sel4::lwip's global hooks (sel4/lwip/port.hpp): sys_now(), LWIP_RAND(), init, timeouts and
// the statistics summary. One lwIP per program, one thread: plain globals.
#include <sel4/lwip/port.hpp>

#include <lwip/init.h>
#include <lwip/memp.h>
#include <lwip/stats.h>
#include <lwip/sys.h>
#include <lwip/timeouts.h>

namespace {

std::uint64_t no_clock(void *) noexcept { return 0; }

// Until set_random(): xorshift32 from a fixed seed (not random; documented in port.hpp).
std::uint32_t fixed_sequence(void *context) noexcept {
    auto &state = *static_cast<std::uint32_t *>(context);
    std::uint32_t x = state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    state = x;
    return x;
}

std::uint32_t fixed_state = 0x2545f491;
sel4::lwip::ClockFunction clock_function = no_clock;
void *clock_context = nullptr;
sel4::lwip::RandomFunction random_function = fixed_sequence;
void *random_context = &fixed_state;
bool initialised = false;

} // namespace

extern "C" u32_t sys_now(void) { return sel4::lwip::now_ms(); }

extern "C" std::uint32_t sel4_lwip_rand(void) { return random_function(random_context); }

namespace sel4::lwip {

void init() noexcept {
    if (initialised)
        return;
    initialised = true;
    lwip_init();
}

void set_clock(ClockFunction now, void *context) noexcept {
    clock_function = now != nullptr ? now : no_clock;
    clock_context = context;
}

void set_random(RandomFunction random, void *context) noexcept {
    if (random == nullptr) {
        random_function = fixed_sequence;
        random_context = &fixed_state;
        return;
    }
    random_function = random;
    random_context = context;
}

std::uint32_t now_ms() noexcept {
    return static_cast<std::uint32_t>(clock_function(clock_context) / 1'000'000);
}

void check_timeouts() noexcept { sys_check_timeouts(); }

std::optional<std::uint32_t> next_timeout() noexcept {
    const u32_t sleep = sys_timeouts_sleeptime();
    if (sleep == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
        return std::nullopt;
    return sleep;
}

Usage usage() noexcept {
    Usage result;
    result.heap_used = lwip_stats.mem.used;
    result.heap_max = lwip_stats.mem.max;
    result.heap_size = MEM_SIZE;
    result.heap_errors = lwip_stats.mem.err;
    for (int pool = 0; pool < MEMP_MAX; ++pool) {
        const stats_mem *stats = lwip_stats.memp[pool];
        if (stats == nullptr)
            continue;
        if (pool == MEMP_PBUF_POOL) {
            result.pbuf_pool_used = stats->used;
            result.pbuf_pool_max = stats->max;
            result.pbuf_pool_size = stats->avail;
            result.pbuf_pool_errors = stats->err;
        }
        if (pool == MEMP_TCP_PCB)
            result.tcp_pcbs_used = stats->used;
        if (pool == MEMP_TCP_SEG)
            result.tcp_segments_used = stats->used;
        if (pool != MEMP_SYS_TIMEOUT)
            result.pool_elements_used += stats->used;
        result.pool_errors += stats->err;
    }
    return result;
}

} // namespace sel4::lwip
