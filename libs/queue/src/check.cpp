// Every header of sel4-queue and sel4-shared-memory compiled with target code's flags in every
// world (nothing else here includes blk.hpp on target), and the world's choice of barriers.
#include <sel4/queue.hpp>
#include <sel4/shared_memory.hpp>

#if __has_include(<sel4/config.hpp>)
static_assert(sel4::queue::smp == (CPP_SEL4_CONFIG_MAX_NUM_NODES > 1), "SEL4_QUEUE_SMP follows the kernel's cores");
#endif

namespace {
[[maybe_unused]] bool plug(const sel4::queue::blk::RequestQueue &queue) noexcept {
    queue.plug();
    return queue.plugged() && queue.enqueue({}) && queue.dequeue().has_value();
}
[[maybe_unused]] bool respond(const sel4::queue::blk::ResponseQueue &queue) noexcept {
    return queue.enqueue({}) && queue.dequeue().has_value();
}
} // namespace
