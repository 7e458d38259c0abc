// Random valid systems for the host tests, made with the spec builder: threads in shared or
// their own CSpaces and VSpaces, endpoints and notifications with random badges and rights,
// frames (filled or not) mapped at random pages with random rights, CNodes with guards, an
// untyped with a cover, IRQs and, on MCS kernels, scheduling contexts. Builder::finish()
// validates each one against the kernel, so each is valid.
#pragma once

#include <sel4/capdl/builder.hpp>

#include <random>
#include <string>

namespace capdl_test {

// Kernels of the three arches, with MCS and two cores among them.
inline std::vector<sel4::capdl::KernelConfig> test_kernels() {
    using sel4::capdl::KernelConfig;
    KernelConfig aarch64{.arch = "aarch64", .hypervisor = true};
    KernelConfig aarch64_mcs{.arch = "aarch64", .mcs = true, .hypervisor = true};
    KernelConfig riscv64{.arch = "riscv64", .pt_levels = 3, .num_nodes = 2};
    KernelConfig x86_64{.arch = "x86_64"};
    return {aarch64, aarch64_mcs, riscv64, x86_64};
}

inline sel4::capdl::Spec random_system(unsigned seed, const sel4::capdl::KernelConfig &kernel) {
    using namespace sel4::capdl;
    std::mt19937_64 random(seed);
    const auto below = [&](std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(random); };
    const auto coin = [&] { return below(2) == 1; };
    const auto rights = [&] { return Rights{coin(), coin(), coin(), coin()}; };
    Builder b(kernel);

    std::vector<Thread> threads;
    std::vector<std::uint32_t> next_slot;
    for (unsigned t = 0, count = 1 + static_cast<unsigned>(below(5)); t < count; ++t) {
        ThreadOptions options;
        if (t > 0 && coin()) { // in another thread's VSpace and CSpace, below its stack
            options.vspace = threads[0].vspace;
            options.cspace = threads[0].cspace;
            options.ipc_buffer_addr -= Word{t} * 0x10'0000;
        }
        options.stack_size = 4096 * (1 + below(4));
        options.prio = static_cast<std::uint8_t>(below(256));
        options.max_prio = options.prio;
        options.affinity = below(kernel.num_nodes);
        options.resume = coin();
        for (std::uint64_t g = below(4); g > 0; --g) options.gprs.push_back(below(1 << 20));
        threads.push_back(b.thread("thread_" + std::to_string(t), options, 0x40'0000 + 4 * below(1024)));
        if (kernel.mcs) {
            b.insert(threads.back().tcb, object::tcb_slot::sched_context,
                     cap::sched_context(b.sched_context("sc_" + std::to_string(t), 1000 + below(9000), 1 + below(1000))));
        }
        next_slot.push_back(1);
    }
    // A cap into a thread's CSpace (threads that share one share its slots).
    const auto give = [&](unsigned t, const Cap &c) {
        const std::size_t owner = threads[t].cspace == threads[0].cspace ? 0 : t;
        b.insert(threads[t].cspace, next_slot[owner]++, c);
    };

    for (unsigned n = 0, count = static_cast<unsigned>(below(6)); n < count; ++n) {
        const ObjectId ep = b.endpoint("endpoint_" + std::to_string(n));
        const ObjectId ntfn = b.notification("notification_" + std::to_string(n));
        give(static_cast<unsigned>(below(threads.size())), cap::endpoint(ep, coin() ? 0 : 1 + below(1 << 20), rights()));
        give(static_cast<unsigned>(below(threads.size())), cap::notification(ntfn, coin() ? 0 : 1 + below(1 << 20), rights()));
    }
    for (unsigned n = 0, count = static_cast<unsigned>(below(6)); n < count; ++n) {
        const ObjectId frame = b.frame("frame_" + std::to_string(n));
        if (coin()) {
            const Word start = below(4096);
            b.fill(frame, {{start, start + 1 + below(4096 - start)}, object::FileData{"data.bin", below(1 << 16)}});
        }
        // Mapped at pages of their own in one or two VSpaces.
        for (std::uint64_t m = 1 + below(2); m > 0; --m) {
            const Thread &t = threads[below(threads.size())];
            const Word vaddr = 0x1000'0000 + (Word{n} * 4 + m) * 0x1000;
            if (!b.mapping(t.vspace, vaddr)) b.map(t.vspace, vaddr, frame, rights(), coin(), coin());
        }
        if (coin()) give(0, cap::frame(frame, rights()));
    }
    const ObjectId cnode = b.cnode("cnode", static_cast<std::uint8_t>(2 + below(6)));
    give(0, cap::cnode(cnode, below(4), static_cast<std::uint8_t>(below(8))));
    b.insert(cnode, 0, cap::tcb(threads[0].tcb));
    if (coin()) b.irq("irq", 32 + below(64), b.notification("irq_notification"), below(8));
    const ObjectId untyped = b.untyped("untyped", static_cast<std::uint8_t>(14 + below(4)));
    give(0, cap::untyped(untyped));
    b.begin_cover(untyped);
    for (std::uint64_t n = below(3); n > 0; --n) give(0, cap::endpoint(b.endpoint("covered_" + std::to_string(n))));
    b.end_cover();
    return b.finish();
}

} // namespace capdl_test
