// A PD that uses every piece of the C++ Microkit API, built against both runtimes
// (microkit.cpp-api-*): channels of each kind, channel sets, a child, deferred actions, the
// message registers, setvar symbols, a memory region, the PD's name and its memory config.
// With sel4-microkit-pd (PD_FULL) also the heap, exceptions, RTTI and iostreams.
#include <sel4/microkit.hpp>

#include <sel4/debug.hpp>

#include <cstdint>
#include <optional>
#if PD_FULL
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>
#endif

namespace mk = sel4::microkit;

// <map mr="uart" setvar_vaddr="uart_base"/>, <setvar symbol="buffer_paddr" region_paddr="buffer"/>
SEL4_MICROKIT_VARIABLE(uart_base, sel4::Word)
SEL4_MICROKIT_VARIABLE(buffer_paddr, sel4::Word, 0x1000)
SEL4_MICROKIT_VARIABLE(counter_address, volatile std::uint32_t *)
// <map mr="shared" vaddr=... setvar_vaddr="shared"/>, a region of 0x1000 bytes
SEL4_MICROKIT_MEMORY_REGION(shared, std::uint32_t, 0x1000)

namespace {

constexpr mk::Channel client(0); // notifies us, takes our notifications
constexpr mk::Channel timer(1);  // an IRQ
constexpr mk::Channel server(2); // takes our protected calls
constexpr mk::Child worker(1);
constexpr sel4::Word worker_entry = 0x200000;

static_assert(sizeof(uart_base) == 8 && sizeof(shared) == 8);
static_assert(mk::ChannelSet().with(client).with(server).size() == 2);
static_assert(mk::ChannelSet(0b101).contains(server) && !mk::ChannelSet(0b101).contains(timer));
constexpr bool iterates_lowest_first() {
    unsigned ids[3] = {}, count = 0;
    for (mk::Channel channel : mk::ChannelSet(0b1000'0101)) ids[count++ % 3] = channel.id();
    return count == 3 && ids[0] == 0 && ids[1] == 2 && ids[2] == 7;
}
static_assert(iterates_lowest_first());

#if PD_FULL
struct Request {
    virtual ~Request() = default;
    virtual sel4::Word value() const = 0;
};
struct Increment final : Request {
    explicit Increment(sel4::Word base) : base(base) {}
    sel4::Word value() const override { return base + 1; }
    sel4::Word base;
};
#endif

class Pd : public mk::Handler {
public:
    void notified(mk::ChannelSet channels) {
        for (mk::Channel channel : channels)
            sel4::debug::println("{}: notified by channel {}", mk::pd_name(), channel.id());
        if (channels.contains(timer))
            timer.defer_irq_ack();
        if (channels.contains(client)) {
            shared[0] = shared[0] + 1;
            *counter_address.get() = static_cast<std::uint32_t>(channels.size());
            client.notify();
        }
#if PD_FULL
        history_.push_back(channels.bits());
        std::cout << mk::pd_name() << ": " << history_.size() << " notifications" << std::endl;
#endif
    }

    sel4::MessageInfo protected_call(mk::Channel channel, sel4::MessageInfo info) {
        if (channel != client || info.length() < 1)
            return mk::message_info(1, 0);
        const sel4::Word argument = mk::mr_get(0);
        mk::mr_set(0, argument);
        const sel4::MessageInfo answer = server.call(mk::message_info(info.label(), 1));
        const mk::MemoryRegion<const std::uint32_t> view(shared.vaddr(), shared.region().size_bytes());
        sel4::Word result = mk::mr_get(0) + view[answer.length() % view.size()];
#if PD_FULL
        try {
            if (argument == 0)
                throw std::invalid_argument("zero");
            const std::unique_ptr<Request> request = std::make_unique<Increment>(result);
            if (dynamic_cast<const Increment *>(request.get()) == nullptr || typeid(*request) != typeid(Increment))
                return mk::message_info(2, 0);
            result = request->value() + std::to_string(argument).size();
        } catch (const std::invalid_argument &error) {
            std::cerr << "bad argument: " << error.what() << '\n';
            return mk::message_info(3, 0);
        }
#endif
        mk::mr_set(0, result + uart_base.get() + buffer_paddr);
        client.defer_notify();
        return mk::message_info(0, 1);
    }

    std::optional<sel4::MessageInfo> fault(mk::Child child, sel4::MessageInfo info) {
        sel4::debug::println("{}: child {} faulted (label {})", mk::pd_name(), child.id(), info.label());
        if (child != worker)
            return std::nullopt;
        if (++restarts_ > 3) {
            if (!child.stop())
                sel4::debug::println("could not stop child {}", child.id());
            return std::nullopt;
        }
        if (!child.restart(worker_entry) || !child.resume())
            sel4::debug::println("could not restart child {}", child.id());
        mk::defer(mk::DeferredAction::notify(client));
        return std::nullopt;
    }

private:
    unsigned restarts_ = 0;
#if PD_FULL
    std::vector<sel4::Word> history_;
#endif
};

Pd make_pd() {
    sel4::debug::println("{}: init (IPC buffer at {:#x}, deferred pending: {})", mk::pd_name(), mk::ipc_buffer_address,
                         mk::has_deferred_action());
    static_assert(mk::ProtectionDomainHandler<Pd>);
    return Pd();
}

} // namespace

#if PD_FULL
SEL4_MICROKIT_PD(make_pd, {.stack_size = 0x10000, .heap_size = 0x40000})
#else
SEL4_MICROKIT_PD(make_pd)
#endif
