// capdl-example-system: the CapDL spec of examples/capdl, made with cpp-sel4's spec builder
// (<sel4/capdl/builder.hpp>): two protection domains from their ELF files, each in its own
// CSpace and VSpace, an endpoint between them (the client's cap badged), a frame both map,
// and on MCS kernels their scheduling contexts and the server's reply object.
//   capdl-example-system --client ELF --server ELF --kernel-config JSON --out DIR
#include "../system.hpp"

#include <cli.hpp>
#include <elf_file.hpp>
#include <sel4/capdl/builder.hpp>
#include <sel4/capdl/json.hpp>

#include <cstdio>

using namespace sel4::capdl;

int main(int argc, char **argv) {
    cpp_sel4_cli::Tool tool("capdl-example-system", "The CapDL spec of cpp-sel4's examples/capdl.");
    std::string client_elf, server_elf, kernel_config, out;
    tool.add_option("--client", client_elf, "The client PD's ELF")->required();
    tool.add_option("--server", server_elf, "The server PD's ELF")->required();
    tool.add_option("--kernel-config", kernel_config, "The kernel's gen_config.json")->required();
    tool.add_option("--out", out, "Where the spec (spec.json) and its fill files go")->required();
    if (auto status = tool.parse_arguments({argv + 1, argv + argc})) return *status;
    try {
        const std::vector<std::uint8_t> config = elf::read_file(kernel_config);
        Builder b(read_kernel_config({reinterpret_cast<const char *>(config.data()), config.size()}, kernel_config));

        // A PD: its ELF mapped page by page, a stack and an IPC buffer; its TCB's cap in its
        // CSpace; started with (IPC buffer, its TCB's slot), as sel4/runtime/component.hpp says.
        auto pd = [&](const std::string &name, const std::string &elf, std::uint8_t prio) {
            ThreadOptions options;
            options.prio = options.max_prio = prio;
            options.gprs = {options.ipc_buffer_addr, capdl_example::slot_tcb};
            const Thread t = b.thread_from_elf(name, elf, name + ".elf", options);
            b.insert(t.cspace, capdl_example::slot_tcb, cap::tcb(t.tcb));
            if (b.kernel().mcs)
                b.insert(t.tcb, object::tcb_slot::sched_context, cap::sched_context(b.sched_context(name + "_sc", 1000, 1000)));
            elf::write_file_atomically(out + "/" + name + ".elf", elf::read_file(elf));
            return t;
        };
        const Thread client = pd("client", client_elf, 100), server = pd("server", server_elf, 101);

        const ObjectId endpoint = b.endpoint("endpoint");
        b.insert(client.cspace, capdl_example::slot_endpoint, cap::endpoint(endpoint, capdl_example::client_badge));
        b.insert(server.cspace, capdl_example::slot_endpoint, cap::endpoint(endpoint));
        if (b.kernel().mcs) b.insert(server.cspace, capdl_example::slot_reply, cap::reply(b.reply("server_reply")));
        const ObjectId shared = b.frame("shared");
        b.map(client.vspace, capdl_example::shared, shared);
        b.map(server.vspace, capdl_example::shared, shared);

        const std::string json = write_json(b.finish(), 1) + "\n";
        elf::write_file_atomically(out + "/spec.json", std::vector<std::uint8_t>(json.begin(), json.end()));
    } catch (const std::exception &error) {
        std::fprintf(stderr, "capdl-example-system: %s\n", error.what());
        return 1;
    }
    return 0;
}
