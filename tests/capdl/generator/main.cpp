// capdl-test-systems: the specs of the capdl.* on-target tests and of bench/capdl.sh, made
// with libs/capdl's spec builder for the kernel whose gen_config.json is given.
//   capdl-test-systems SYSTEM --kernel-config JSON --component ELF --out DIR [--objects N]
//     writes DIR/spec.json and the files its frames are filled from (DIR/component.elf, ...)
//   capdl-test-systems corrupt --in ELF --out ELF
//     damages the spec that add-spec attached to an initializer (its objects table)
#include "../systems.hpp"

#include <cli.hpp>
#include <elf_file.hpp>
#include <sel4/capdl/binary.hpp>
#include <sel4/capdl/builder.hpp>
#include <sel4/capdl/json.hpp>

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>

namespace {

using namespace sel4::capdl;
namespace ct = capdl_tests;

constexpr std::uint8_t cspace_bits = 8;
constexpr Rights read_write_grant{.read = true, .write = true, .grant = true, .grant_reply = true};

// The systems' common parts: threads from the component ELF, each with its own TCB's cap in
// its CSpace and, on MCS kernels, a scheduling context.
class System {
public:
    System(const KernelConfig &kernel, std::string elf) : builder(kernel), elf_(std::move(elf)) {}

    Thread thread(const std::string &name, Word role, Word arg, ThreadOptions options = {}) {
        options.cspace_size_bits = cspace_bits;
        options.gprs = {options.ipc_buffer_addr, ct::slot_tcb, role, arg};
        const Thread t = builder.thread_from_elf(name, elf_, "component.elf", options);
        builder.insert(t.cspace, ct::slot_tcb, cap::tcb(t.tcb));
        if (builder.kernel().mcs) give_sched_context(t, name, 10'000, 10'000);
        return t;
    }
    void give_sched_context(const Thread &t, const std::string &name, Word period, Word budget) {
        builder.insert(t.tcb, object::tcb_slot::sched_context,
                       cap::sched_context(builder.sched_context(name + "_sc", period, budget)));
    }
    // A frame mapped in several threads.
    ObjectId shared_frame(const std::string &name, std::initializer_list<std::pair<const Thread *, Word>> mappings,
                          Rights rights = read_write) {
        const ObjectId frame = builder.frame(name);
        for (const auto &[thread, vaddr] : mappings) builder.map(thread->vspace, vaddr, frame, rights);
        return frame;
    }
    // A fault endpoint for `thread`: in its CSpace at `slot` (master_fault_ep) or, on MCS, in
    // its TCB's fault endpoint slot.
    void fault_endpoint(const Thread &thread, ObjectId endpoint, Word badge, std::uint32_t slot) {
        const Cap c = cap::endpoint(endpoint, badge, Rights::all());
        if (builder.kernel().mcs) {
            builder.insert(thread.tcb, object::tcb_slot::fault_ep, c);
        } else {
            builder.insert(thread.cspace, slot, c);
            builder.get<object::Tcb>(thread.tcb).extra.master_fault_ep = slot;
        }
    }

    Builder builder;
    std::map<std::string, std::vector<std::uint8_t>> files; // more fill files

private:
    std::string elf_;
};

constexpr Rights receive_only{.read = true}; // read only: receiving, and read-only mappings

void threads(System &s) {
    using namespace ct::threads;
    // The client runs at the higher priority: it has sent, signalled, printed and exited before
    // the server goes on from its receive, so their output lines never interleave.
    const Thread client = s.thread("client", role_client, 0, {.prio = 101, .max_prio = 101});
    const Thread server = s.thread("server", role_server, 0);
    const ObjectId ep = s.builder.endpoint("endpoint"), ntfn = s.builder.notification("notification");
    s.builder.insert(client.cspace, slot_endpoint, cap::endpoint(ep, endpoint_badge, {.write = true, .grant = true}));
    s.builder.insert(client.cspace, slot_notification, cap::notification(ntfn, notification_badge, {.write = true}));
    s.builder.insert(server.cspace, slot_endpoint, cap::endpoint(ep, 0, receive_only));
    s.builder.insert(server.cspace, slot_notification, cap::notification(ntfn, 0, receive_only));
    const std::string &arch = s.builder.kernel().arch;
    const Word number = arch == "aarch64" ? irq_aarch64 : arch == "riscv64" ? irq_riscv64 : irq_x86_64;
    const ObjectId irq = s.builder.irq("irq", number, s.builder.notification("irq_notification"), 1);
    s.builder.insert(server.cspace, slot_irq_handler, s.builder.irq_handler(irq));
}

void frames(System &s) {
    using namespace ct::frames;
    const Thread writer = s.thread("writer", role_writer, 0), checker = s.thread("checker", role_checker, 0),
                 handler = s.thread("fault_handler", role_fault_handler, 0);
    s.shared_frame("shared", {{&writer, shared_writer}});
    s.builder.map(checker.vspace, shared_reader, *s.builder.find("shared"), receive_only);
    s.shared_frame("read_only", {{&checker, ct::frames::read_only}}, receive_only);
    const ObjectId ntfn = s.builder.notification("notification");
    s.builder.insert(writer.cspace, slot_notification, cap::notification(ntfn, 1, {.write = true}));
    s.builder.insert(checker.cspace, slot_notification, cap::notification(ntfn, 0, receive_only));

    std::vector<std::uint8_t> &bin = s.files["frames.bin"];
    for (Word n = 0; n < copied_bytes; ++n) bin.push_back(copied_byte(n));
    for (Word n = 0; n < deflated_bytes; ++n) bin.push_back(deflated_byte(n));
    const ObjectId copied_frame = s.builder.frame("copied", 21), deflated_frame = s.builder.frame("deflated", 21);
    s.builder.fill(copied_frame, {{0, copied_bytes}, object::FileData{"frames.bin", 0}});
    s.builder.fill(deflated_frame, {{0, deflated_bytes}, object::FileData{"frames.bin", copied_bytes}});
    s.builder.map(checker.vspace, copied, copied_frame, receive_only);
    s.builder.map(checker.vspace, deflated, deflated_frame, receive_only);

    const ObjectId fault_ep = s.builder.endpoint("fault_endpoint");
    s.fault_endpoint(checker, fault_ep, fault_badge, slot_fault_ep);
    s.builder.insert(handler.cspace, slot_fault_ep, cap::endpoint(fault_ep, 0, receive_only));
}

void rights(System &s) {
    using namespace ct::rights;
    const Thread sender = s.thread("sender", role_sender, cspace_bits),
                 receiver = s.thread("receiver", role_receiver, cspace_bits);
    const ObjectId ep = s.builder.endpoint("endpoint"), ntfn = s.builder.notification("notification");
    s.builder.insert(sender.cspace, slot_no_write, cap::endpoint(ep, 2, {.read = true, .grant = true, .grant_reply = true}));
    s.builder.insert(sender.cspace, slot_no_grant, cap::endpoint(ep, 3, {.read = true, .write = true}));
    s.builder.insert(sender.cspace, slot_full, cap::endpoint(ep, 4, Rights::all()));
    s.builder.insert(sender.cspace, slot_notification, cap::notification(ntfn, 0, Rights::all()));
    s.builder.insert(receiver.cspace, slot_server_endpoint, cap::endpoint(ep, 0, receive_only));
    s.builder.insert(receiver.cspace, slot_server_cnode, cap::cnode(receiver.cspace));
}

void untyped_covers(System &s) {
    using namespace ct::untyped_covers;
    const Thread t = s.thread("retyper", 0, cspace_bits);
    const ObjectId untyped = s.builder.untyped("given_untyped", untyped_bits);
    s.builder.begin_cover(untyped);
    const ObjectId covered = s.builder.endpoint("covered_endpoint");
    s.builder.end_cover();
    s.builder.insert(t.cspace, slot_untyped, cap::untyped(untyped));
    s.builder.insert(t.cspace, slot_covered_endpoint, cap::endpoint(covered));
    s.builder.insert(t.cspace, slot_cnode, cap::cnode(t.cspace));
}

void mcs(System &s) {
    using namespace ct::mcs;
    if (!s.builder.kernel().mcs) throw BuildError("the mcs system needs an MCS kernel");
    // The limited thread has the higher priority: it runs whenever it has budget, 10% of the time.
    ThreadOptions options;
    options.prio = options.max_prio = 101;
    Builder &b = s.builder;
    const Thread limited = s.thread("limited", role_limited, 0, options);
    options.prio = options.max_prio = 100;
    const Thread unlimited = s.thread("unlimited", role_unlimited, 0, options);
    b.get<object::SchedContext>(*b.find("limited_sc")).budget = limited_budget_us;
    b.get<object::SchedContext>(*b.find("limited_sc")).period = period_us;
    b.get<object::SchedContext>(*b.find("unlimited_sc")).budget = period_us;
    b.get<object::SchedContext>(*b.find("unlimited_sc")).period = period_us;
    s.shared_frame("counters", {{&limited, counters}, {&unlimited, counters}});
}

void smp(System &s) {
    using namespace ct::smp;
    if (s.builder.kernel().num_nodes < 2) throw BuildError("the smp system needs a kernel with two cores");
    auto pinned = [&](const char *name, Word role, Word core, std::uint8_t prio) {
        ThreadOptions options;
        options.affinity = core;
        options.prio = options.max_prio = prio;
        return s.thread(name, role, core, options);
    };
    const Thread spinner = pinned("spinner", role_spinner, 0, spinner_prio);
    const Thread reporter = pinned("reporter", role_reporter, 1, reporter_prio);
    const Thread blocked = pinned("blocked", role_blocked, 0, blocked_prio);
    s.shared_frame("flags", {{&spinner, flags}, {&reporter, flags}, {&blocked, flags}});
}

// More memory than any world's QEMU machine has: the initializer must say so.
void bad_memory(System &s) {
    for (int n = 0; n < 16; ++n) s.builder.untyped("too_big_" + std::to_string(n), 30);
}

// bench/capdl.sh's synthetic systems of about `objects` objects: groups of eight threads that
// share a VSpace (one ASID each group) and a CSpace, each with its own stack and IPC buffer,
// with endpoints, notifications, data frames and a CNode of their own, caps to all of them.
void bench(System &s, unsigned objects) {
    Builder &b = s.builder;
    for (unsigned group = 0; b.spec().objects.size() < objects; ++group) {
        const std::string g = "g" + std::to_string(group);
        ThreadOptions options;
        options.stack_size = 4096;
        const Thread first = s.thread(g + "_t0", 0, 0, options);
        std::uint32_t slot = 2;
        for (unsigned t = 1; t < 8 && b.spec().objects.size() < objects; ++t) {
            options.vspace = first.vspace;
            options.cspace = first.cspace;
            options.ipc_buffer_addr = 0x1f'ffff'f000 - Word{t} * 0x10'0000;
            options.gprs = {options.ipc_buffer_addr, slot, 0, 0};
            const Thread thread = b.thread(g + "_t" + std::to_string(t), options, b.get<object::Tcb>(first.tcb).extra.ip);
            b.insert(first.cspace, slot++, cap::tcb(thread.tcb));
            if (b.kernel().mcs) s.give_sched_context(thread, g + "_t" + std::to_string(t), 10'000, 1'000);
        }
        const ObjectId cnode = b.cnode(g + "_cnode", 4);
        b.insert(first.cspace, slot++, cap::cnode(cnode));
        for (unsigned n = 0; n < 4; ++n) {
            const ObjectId ep = b.endpoint(g + "_ep" + std::to_string(n));
            const ObjectId ntfn = b.notification(g + "_ntfn" + std::to_string(n));
            b.insert(first.cspace, slot++, cap::endpoint(ep, n + 1));
            b.insert(first.cspace, slot++, cap::notification(ntfn, n + 1));
            b.insert(cnode, n, cap::endpoint(ep));
            const ObjectId data = b.frame(g + "_data" + std::to_string(n));
            b.map(first.vspace, 0x2000'0000 + Word{n} * 0x1000, data);
        }
    }
}

const std::map<std::string, std::function<void(System &, unsigned)>> systems = {
    {"threads", [](System &s, unsigned) { threads(s); }},
    {"frames", [](System &s, unsigned) { frames(s); }},
    {"rights", [](System &s, unsigned) { rights(s); }},
    {"untyped-covers", [](System &s, unsigned) { untyped_covers(s); }},
    {"mcs", [](System &s, unsigned) { mcs(s); }},
    {"smp", [](System &s, unsigned) { smp(s); }},
    {"bad-memory", [](System &s, unsigned) { bad_memory(s); }},
    {"bench", bench},
};

void write(const std::string &path, const std::string &text) {
    elf::write_file_atomically(path, std::vector<std::uint8_t>(text.begin(), text.end()));
}

// Points the spec's objects table past its end (the spec is the initializer's last segment).
void corrupt(const std::string &in, const std::string &out) {
    elf::File file = elf::read(in);
    if (file.segments.empty()) throw std::runtime_error(in + ": no segments");
    elf::Segment &spec = file.segments.back();
    sel4::capdl::binary::Header header;
    if (spec.data.size() < sizeof header) throw std::runtime_error(in + ": its last segment is not a spec");
    std::memcpy(&header, spec.data.data(), sizeof header);
    header.tables[0].offset = 0xffff'ff00;
    std::memcpy(spec.data.data(), &header, sizeof header);
    elf::write_file_atomically(out, elf::serialize(file));
}

} // namespace

int main(int argc, char **argv) {
    cpp_sel4_cli::Tool tool("capdl-test-systems", "The specs of cpp-sel4's capdl.* tests and CapDL benchmark.");
    std::string system, kernel_config, component, out, in;
    unsigned objects = 1000;
    tool.add_option("SYSTEM", system, "threads, frames, rights, untyped-covers, mcs, smp, bad-memory, bench or corrupt")
        ->required();
    tool.add_option("--kernel-config", kernel_config, "The kernel's gen_config.json")->type_name("JSON");
    tool.add_option("--component", component, "The test component's ELF")->type_name("ELF");
    tool.add_option("--in", in, "corrupt: the initializer with a spec")->type_name("ELF");
    tool.add_option("--out", out, "The directory of the spec and its fill files (corrupt: the damaged ELF)")->required();
    tool.add_option("--objects", objects, "bench: about how many objects");
    if (auto status = tool.parse_arguments({argv + 1, argv + argc})) return *status;
    try {
        if (system == "corrupt") {
            corrupt(in, out);
            return 0;
        }
        const auto found = systems.find(system);
        if (found == systems.end()) return tool.usage_error("no system '" + system + "'");
        if (kernel_config.empty() || component.empty()) return tool.usage_error("--kernel-config and --component are needed");
        const std::vector<std::uint8_t> config = elf::read_file(kernel_config);
        System s(read_kernel_config({reinterpret_cast<const char *>(config.data()), config.size()}, kernel_config), component);
        found->second(s, objects);
        const Spec spec = s.builder.finish();
        elf::write_file_atomically(out + "/component.elf", elf::read_file(component));
        for (const auto &[name, bytes] : s.files) elf::write_file_atomically(out + "/" + name, bytes);
        write(out + "/spec.json", write_json(spec, 1) + "\n");
        std::printf("%s: %zu objects\n", (out + "/spec.json").c_str(), spec.objects.size());
    } catch (const std::exception &error) {
        std::fprintf(stderr, "capdl-test-systems: %s\n", error.what());
        return 1;
    }
    return 0;
}
