// The model parse() fills in: every attribute of full systems, the page sizes the tool picks,
// number syntax, the search path, malformed XML and the kernel configurations.
#include "sdf_test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace sel4::microkit::sdf {
namespace {

const std::string model = MICROKIT_SDF_TEST_DIR "/model";

SystemDescription parse_model(const std::string &name, const std::string &target) {
    return parse_file(model + "/" + name, test::target(target), {test::folder});
}

std::string error_of(const std::string &text, const Target &target,
                     const std::vector<std::string> &search = {test::folder}) {
    try {
        parse(text, "t.system", target, search);
    } catch (const Error &e) {
        return e.what();
    }
    return "(parsed)";
}

const ProtectionDomain &pd(const SystemDescription &sd, const std::string &name) {
    const auto i = sd.find_pd(name);
    if (!i)
        throw std::runtime_error("no PD " + name);
    return sd.pds[*i];
}
const MemoryRegion &mr(const SystemDescription &sd, const std::string &name) {
    const auto i = sd.find_mr(name);
    if (!i)
        throw std::runtime_error("no MR " + name);
    return sd.memory_regions[*i];
}

TEST(Model, ProtectionDomainsAreFlattenedParentFirst) {
    const auto sd = parse_model("full_aarch64.system", "aarch64");
    ASSERT_EQ(sd.pds.size(), 5u);
    EXPECT_EQ(sd.pds[0].name, "parent");
    EXPECT_EQ(sd.pds[1].name, "child");
    EXPECT_EQ(sd.pds[2].name, "grandchild");
    EXPECT_EQ(sd.pds[3].name, "sibling");
    EXPECT_EQ(sd.pds[4].name, "client");
    EXPECT_FALSE(sd.pds[0].parent);
    EXPECT_EQ(sd.pds[1].parent, 0u);
    EXPECT_EQ(sd.pds[2].parent, 1u);
    EXPECT_EQ(sd.pds[3].parent, 0u);
    EXPECT_FALSE(sd.pds[4].parent);
    EXPECT_EQ(sd.pds[1].id, 1u);
    EXPECT_EQ(sd.pds[1].setvar_id, "child_id");
    EXPECT_EQ(sd.pds[2].id, 61u);
    EXPECT_FALSE(sd.pds[2].setvar_id);
    EXPECT_EQ(sd.pds[3].id, 2u);
    EXPECT_FALSE(sd.pds[0].id);
}

TEST(Model, ProtectionDomainAttributes) {
    const auto sd = parse_model("full_aarch64.system", "aarch64");
    const auto &p = pd(sd, "parent");
    EXPECT_EQ(p.priority, 200u);
    EXPECT_EQ(p.budget, 500u);
    EXPECT_EQ(p.period, 1000u);
    EXPECT_FALSE(p.passive);
    EXPECT_EQ(p.stack_size, 0x4000u);
    EXPECT_TRUE(p.smc);
    EXPECT_EQ(p.cpu, 0u);
    EXPECT_FALSE(p.fpu);
    EXPECT_EQ(p.domain, "fast");
    EXPECT_EQ(p.domain_index, 0u);
    EXPECT_EQ(p.program_image, test::folder + "/hello.elf");
    EXPECT_EQ(p.path_for_symbols, test::folder + "/hello.elf");
    EXPECT_EQ(p.where.text(), model + "/full_aarch64.system:20:5");

    const auto &c = pd(sd, "client");
    EXPECT_EQ(c.priority, 1u);
    EXPECT_EQ(c.budget, 1000u);
    EXPECT_EQ(c.period, 1000u); // = budget
    EXPECT_TRUE(c.passive);
    EXPECT_EQ(c.stack_size, default_stack_size);
    EXPECT_FALSE(c.smc);
    EXPECT_TRUE(c.fpu);
    EXPECT_EQ(c.domain_index, 1u);
    EXPECT_FALSE(c.path_for_symbols);
}

TEST(Model, Maps) {
    const auto sd = parse_model("full_aarch64.system", "aarch64");
    const auto &maps = pd(sd, "parent").maps;
    ASSERT_EQ(maps.size(), 7u);
    EXPECT_EQ(maps[0].mr, "uart");
    EXPECT_EQ(maps[0].vaddr, 0x2000000u);
    EXPECT_TRUE(maps[0].perms.read && maps[0].perms.write && !maps[0].perms.execute);
    EXPECT_FALSE(maps[0].cached);
    EXPECT_EQ(maps[0].setvar_vaddr, "uart_base");
    EXPECT_FALSE(maps[0].setvar_size);
    EXPECT_EQ(maps[0].where.line, 23u);
    EXPECT_EQ(maps[0].where.column, 9u);
    EXPECT_TRUE(maps[1].perms.read && !maps[1].perms.write && !maps[1].perms.execute);
    EXPECT_TRUE(maps[1].cached);
    EXPECT_EQ(maps[1].setvar_size, "big_size");
    EXPECT_TRUE(maps[2].perms.read && !maps[2].perms.write && maps[2].perms.execute);
    EXPECT_TRUE(!maps[3].perms.read && !maps[3].perms.write && maps[3].perms.execute);
    EXPECT_EQ(maps[4].setvar_prefill_size, "filled_size");
    EXPECT_TRUE(maps[5].perms.read && maps[5].perms.write); // the default, rw
}

TEST(Model, IrqsSetvarsAndCspace) {
    const auto sd = parse_model("full_aarch64.system", "aarch64");
    const auto &p = pd(sd, "parent");
    ASSERT_EQ(p.irqs.size(), 2u);
    EXPECT_EQ(p.irqs[0].kind, IrqKind::conventional);
    EXPECT_EQ(p.irqs[0].irq, 33u);
    EXPECT_EQ(p.irqs[0].id, 5u);
    EXPECT_EQ(p.irqs[0].setvar_id, "uart_irq");
    EXPECT_EQ(p.irqs[0].trigger, Trigger::level);
    EXPECT_EQ(p.irqs[1].irq, 0x22u);
    EXPECT_EQ(p.irqs[1].trigger, Trigger::edge);
    ASSERT_EQ(p.setvars.size(), 2u);
    EXPECT_EQ(p.setvars[0].symbol, "tool_paddr_phys");
    EXPECT_EQ(p.setvars[0].region, "tool_paddr");
    ASSERT_EQ(p.cspace.size(), 3u);
    EXPECT_EQ(p.cspace[0].type, CapType::tcb);
    EXPECT_EQ(p.cspace[0].slot, 1u);
    EXPECT_EQ(p.cspace[0].pd, "client");
    EXPECT_EQ(p.cspace[1].type, CapType::sc);
    EXPECT_EQ(p.cspace[2].type, CapType::vspace);
    EXPECT_EQ(p.cspace[2].slot, 127u);
    EXPECT_EQ(p.cspace[2].pd, "grandchild");
}

TEST(Model, VirtualMachine) {
    const auto sd = parse_model("full_aarch64.system", "aarch64");
    const auto &vm = pd(sd, "parent").virtual_machine;
    ASSERT_TRUE(vm);
    EXPECT_EQ(vm->name, "guest");
    EXPECT_EQ(vm->priority, 10u);
    EXPECT_EQ(vm->budget, 100u);
    EXPECT_EQ(vm->period, 200u);
    ASSERT_EQ(vm->vcpus.size(), 2u);
    EXPECT_EQ(vm->vcpus[0].id, 0u);
    EXPECT_EQ(vm->vcpus[0].setvar_id, "vcpu0");
    EXPECT_EQ(vm->vcpus[1].id, 3u);
    EXPECT_EQ(vm->vcpus[1].cpu, 0u);
    ASSERT_EQ(vm->maps.size(), 1u);
    EXPECT_FALSE(vm->maps[0].cached);
}

TEST(Model, MemoryRegionsAndPageSizes) {
    const auto sd = parse_model("full_aarch64.system", "aarch64");
    EXPECT_EQ(mr(sd, "uart").phys_addr, 0x9000000u);
    EXPECT_EQ(mr(sd, "uart").page_size, 0x1000u);
    EXPECT_FALSE(mr(sd, "uart").paddr_by_tool);
    EXPECT_EQ(mr(sd, "big").page_size, 0x200000u);
    EXPECT_TRUE(mr(sd, "big").page_size_given);
    EXPECT_EQ(mr(sd, "big").pages(), 2u);
    // Not given: 2 MiB when the size and every vaddr allow it.
    EXPECT_EQ(mr(sd, "auto_large").page_size, 0x200000u);
    EXPECT_FALSE(mr(sd, "auto_large").page_size_given);
    EXPECT_EQ(mr(sd, "auto_small").page_size, 0x1000u); // mapped at 0x8401000
    EXPECT_EQ(mr(sd, "auto_small").pages(), 0x200u);
    EXPECT_EQ(mr(sd, "filled").prefill_path, test::folder + "/small.bin");
    EXPECT_EQ(mr(sd, "filled").prefill_size, 5000u);
    EXPECT_EQ(mr(sd, "filled").size, 0x2000u); // rounded up to the page
    EXPECT_TRUE(mr(sd, "tool_paddr").paddr_by_tool);
    EXPECT_FALSE(mr(sd, "tool_paddr").phys_addr);
    EXPECT_EQ(mr(sd, "fdt").prefill_bootinfo, BootInfoPrefill::fdt);
    EXPECT_EQ(mr(sd, "fdt").size, 0x1000u);
    ASSERT_EQ(sd.warnings.size(), 1u);
    EXPECT_EQ(sd.warnings[0], "WARNING: unused memory region 'unused'");
}

TEST(Model, Channels) {
    const auto sd = parse_model("full_aarch64.system", "aarch64");
    ASSERT_EQ(sd.channels.size(), 2u);
    const auto &ch = sd.channels[0];
    EXPECT_EQ(ch.a.pd, *sd.find_pd("client"));
    EXPECT_EQ(ch.a.id, 0u);
    EXPECT_TRUE(ch.a.pp);
    EXPECT_FALSE(ch.a.notify);
    EXPECT_EQ(ch.b.pd, 0u);
    EXPECT_EQ(ch.b.id, 61u);
    EXPECT_FALSE(ch.b.pp);
    EXPECT_TRUE(ch.b.notify);
    EXPECT_EQ(ch.b.setvar_id, "client_channel");
    EXPECT_EQ(sd.channels[1].a.pd, 1u);
    EXPECT_EQ(sd.channels[1].b.pd, 3u);
}

TEST(Model, Domains) {
    const auto sd = parse_model("full_aarch64.system", "aarch64");
    ASSERT_TRUE(sd.domains);
    const auto &d = *sd.domains;
    ASSERT_EQ(d.domains.size(), 2u);
    EXPECT_EQ(d.domains[0].name, "fast");
    EXPECT_EQ(d.domains[0].id, 2u);
    EXPECT_EQ(d.domains[0].kernel_id, 2u);
    EXPECT_FALSE(d.domains[1].id);
    EXPECT_EQ(d.domains[1].kernel_id, 0u);
    EXPECT_EQ(d.start_index, 1u);
    EXPECT_EQ(d.index_shift, 2u);
    ASSERT_EQ(d.schedule.size(), 2u);
    EXPECT_EQ(d.schedule[0].domain, 0u);
    EXPECT_EQ(d.schedule[0].duration, 1000u);
    EXPECT_FALSE(d.schedule[0].in_ticks);
    EXPECT_EQ(d.schedule[1].domain, 1u);
    EXPECT_EQ(d.schedule[1].duration, 16u);
    EXPECT_TRUE(d.schedule[1].in_ticks);
    EXPECT_TRUE(d.end_marker);
}

TEST(Model, X86) {
    const auto sd = parse_model("full_x86_64.system", "x86_64");
    const auto &d = pd(sd, "driver");
    ASSERT_EQ(d.irqs.size(), 3u);
    EXPECT_EQ(d.irqs[0].kind, IrqKind::ioapic);
    EXPECT_EQ(d.irqs[0].pin, 4u);
    EXPECT_EQ(d.irqs[0].ioapic, 0u);
    EXPECT_EQ(d.irqs[0].vector, 36u);
    EXPECT_EQ(d.irqs[0].trigger, Trigger::level);
    EXPECT_EQ(d.irqs[0].polarity, Polarity::high);
    EXPECT_EQ(d.irqs[0].setvar_id, "serial_irq");
    EXPECT_EQ(d.irqs[1].ioapic, 1u);
    EXPECT_EQ(d.irqs[1].pin, 5u);
    EXPECT_EQ(d.irqs[1].trigger, Trigger::edge);
    EXPECT_EQ(d.irqs[1].polarity, Polarity::low);
    EXPECT_EQ(d.irqs[1].vector, 0x25u);
    EXPECT_EQ(d.irqs[2].kind, IrqKind::msi);
    EXPECT_EQ(d.irqs[2].pci_bus, 0u);
    EXPECT_EQ(d.irqs[2].pci_dev, 31u);
    EXPECT_EQ(d.irqs[2].pci_func, 7u);
    EXPECT_EQ(d.irqs[2].handle, 3u);
    EXPECT_EQ(d.irqs[2].vector, 107u);
    ASSERT_EQ(d.ioports.size(), 2u);
    EXPECT_EQ(d.ioports[0].addr, 0x3f8u);
    EXPECT_EQ(d.ioports[0].size, 8u);
    EXPECT_EQ(d.ioports[0].setvar_id, "serial_id");
    EXPECT_EQ(d.ioports[0].setvar_addr, "serial_addr");
    EXPECT_EQ(d.ioports[1].id, 1u);
    EXPECT_EQ(mr(sd, "tsc").prefill_bootinfo, BootInfoPrefill::x86_tsc_freq);
    EXPECT_EQ(mr(sd, "guest_ram").page_size, 0x200000u);
    EXPECT_EQ(mr(sd, "dma").page_size, 0x1000u); // IO-mapped MRs keep small pages
    const auto &vm = pd(sd, "vmm").virtual_machine;
    ASSERT_TRUE(vm);
    EXPECT_EQ(vm->name, "linux");
    EXPECT_TRUE(vm->maps[0].perms.execute);
    ASSERT_EQ(sd.io_address_spaces.size(), 1u);
    const auto &io = sd.io_address_spaces[0];
    EXPECT_EQ(io.name, "edu");
    EXPECT_EQ(io.pci_dev, 4u);
    EXPECT_EQ(io.domain_id, 1u);
    ASSERT_EQ(io.maps.size(), 2u);
    EXPECT_EQ(io.maps[0].iovaddr, 0x10000u);
    EXPECT_TRUE(io.maps[0].perms.read && !io.maps[0].perms.write);
    EXPECT_TRUE(io.maps[1].perms.read && io.maps[1].perms.write);
    EXPECT_TRUE(sd.warnings.empty());
}

const std::string hello = "<system><protection_domain name=\"hello\"><program_image path=\"hello.elf\"/>";
std::string with_mr(const std::string &mr, const std::string &maps) {
    return "<system>" + mr + "<protection_domain name=\"hello\"><program_image path=\"hello.elf\"/>" +
           maps + "</protection_domain></system>";
}

TEST(PageSize, LargestThatSizeVaddrsAndPhysAddrAllow) {
    const Target t = test::target("aarch64");
    const auto page = [&](const std::string &mr, const std::string &maps) {
        return parse(with_mr(mr, maps), "t.system", t, {test::folder}).memory_regions[0].page_size;
    };
    EXPECT_EQ(page("<memory_region name=\"m\" size=\"0x200000\"/>", ""), 0x200000u);
    EXPECT_EQ(page("<memory_region name=\"m\" size=\"0x201000\"/>", "<map mr=\"m\" vaddr=\"0x200000\"/>"), 0x1000u);
    EXPECT_EQ(page("<memory_region name=\"m\" size=\"0x200000\"/>", "<map mr=\"m\" vaddr=\"0x200000\"/>"), 0x200000u);
    EXPECT_EQ(page("<memory_region name=\"m\" size=\"0x200000\"/>",
                   "<map mr=\"m\" vaddr=\"0x200000\"/><map mr=\"m\" vaddr=\"0x401000\"/>"), 0x1000u);
    EXPECT_EQ(page("<memory_region name=\"m\" size=\"0x200000\" phys_addr=\"0x40001000\"/>",
                   "<map mr=\"m\" vaddr=\"0x200000\"/>"), 0x1000u);
    EXPECT_EQ(page("<memory_region name=\"m\" size=\"0x200000\" phys_addr=\"0x40200000\"/>",
                   "<map mr=\"m\" vaddr=\"0x200000\"/>"), 0x200000u);
    EXPECT_EQ(page("<memory_region name=\"m\" size=\"0x200000\" page_size=\"0x1000\"/>",
                   "<map mr=\"m\" vaddr=\"0x200000\"/>"), 0x1000u);
}

TEST(Numbers, DecimalHexAndSeparators) {
    const Target t = test::target("aarch64");
    const auto size = [&](const std::string &s) {
        return parse(with_mr("<memory_region name=\"m\" size=\"" + s + "\"/>", "<map mr=\"m\" vaddr=\"0x400000\"/>"),
                     "t.system", t, {test::folder}).memory_regions[0].size;
    };
    EXPECT_EQ(size("4096"), 4096u);
    EXPECT_EQ(size("0x1000"), 0x1000u);
    EXPECT_EQ(size("0x1_000"), 0x1000u);
    EXPECT_EQ(size("0xA000"), 0xa000u);
    EXPECT_EQ(size("1_6_384"), 16384u);
    EXPECT_EQ(size("+8192"), 8192u); // as Rust's from_str_radix
    EXPECT_EQ(size("0x1_0000_0000"), 0x1'0000'0000u);
}

TEST(Numbers, ErrorsNameTheTextAndTheReason) {
    const Target t = test::target("aarch64");
    const auto error = [&](const std::string &s) {
        return error_of(with_mr("<memory_region name=\"m\" size=\"" + s + "\"/>", ""), t);
    };
    const std::string at = "t.system:1:9: error: failed to parse integer '";
    EXPECT_EQ(error("0X1000"), at + "0X1000' on element 'memory_region': invalid digit found in string");
    EXPECT_EQ(error("0x"), at + "0x' on element 'memory_region': cannot parse integer from empty string");
    EXPECT_EQ(error("_"), at + "_' on element 'memory_region': cannot parse integer from empty string");
    EXPECT_EQ(error("+"), at + "+' on element 'memory_region': invalid digit found in string");
    EXPECT_EQ(error("1e3"), at + "1e3' on element 'memory_region': invalid digit found in string");
    EXPECT_EQ(error("0x1_0000_0000_0000_0000"),
              at + "0x1_0000_0000_0000_0000' on element 'memory_region': number too large to fit in target type");
    EXPECT_EQ(error("18446744073709551615"),
              "t.system:1:9: error: size is not a multiple of the page size"); // 2^64-1 parses
    // Ids and IRQ numbers, where Microkit 2.3 panics, are read the same way.
    EXPECT_EQ(error_of(hello + "<irq irq=\"0x\" id=\"0\"/></protection_domain></system>", t),
              "t.system:1:74: error: failed to parse integer '0x' on element 'irq': cannot parse integer from empty string");
    EXPECT_EQ(error_of(hello + "<irq irq=\"0x21\" id=\"0x3e\"/></protection_domain></system>", t),
              "t.system:1:74: error: id must be < 62");
    EXPECT_EQ(parse(hello + "<irq irq=\"0x21\" id=\"0x3d\"/></protection_domain></system>", "t", t, {test::folder})
                  .pds[0].irqs[0].irq, 0x21u);
}

TEST(Numbers, BooleansAreExactlyTrueOrFalse) {
    const Target t = test::target("aarch64");
    for (const char *bad : {"TRUE", "1", "yes", "", " true"})
        EXPECT_EQ(error_of(std::string("<system><protection_domain name=\"a\" passive=\"") + bad +
                               "\"><program_image path=\"hello.elf\"/></protection_domain></system>", t),
                  "t.system:1:9: error: passive must be 'true' or 'false'") << bad;
}

TEST(SearchPath, FirstFolderThatHasTheFileWins) {
    const auto base = std::filesystem::temp_directory_path() / ("sdf-search-" + std::to_string(::getpid()));
    std::filesystem::create_directories(base / "one");
    std::filesystem::create_directories(base / "two");
    std::ofstream(base / "two" / "app.elf") << "two";
    std::ofstream(base / "one" / "fill.bin") << "one";
    std::ofstream(base / "two" / "fill.bin") << "two, longer";
    const std::string text = "<system><memory_region name=\"m\" prefill_path=\"fill.bin\"/>"
                             "<protection_domain name=\"a\"><program_image path=\"app.elf\"/>"
                             "<map mr=\"m\" vaddr=\"0x400000\"/></protection_domain></system>";
    const Target t = test::target("riscv64");
    const auto sd = parse(text, "t.system", t, {(base / "one").string(), (base / "two").string()});
    EXPECT_EQ(sd.pds[0].program_image, (base / "two" / "app.elf").string());
    EXPECT_EQ(sd.memory_regions[0].prefill_path, (base / "one" / "fill.bin").string());
    EXPECT_EQ(sd.memory_regions[0].prefill_size, 3u);
    // A path that exists as given is taken as is.
    const std::string absolute = (base / "two" / "app.elf").string();
    const auto direct = parse("<system><protection_domain name=\"a\"><program_image path=\"" + absolute +
                                  "\"/></protection_domain></system>", "t.system", t, {});
    EXPECT_EQ(direct.pds[0].program_image, absolute);
    // Not in any folder.
    EXPECT_EQ(error_of(text, t, {(base / "one").string()}),
              "t.system:1:86: error: unable to find program image: 'app.elf'");
    EXPECT_EQ(error_of(text, t, {}), "t.system:1:9: error: unable to find prefill file: 'fill.bin'");
    std::filesystem::remove_all(base);
}

TEST(Xml, MalformedGivesExpatsMessageAndPlace) {
    const Target t = test::target("aarch64");
    EXPECT_EQ(error_of("", t), "t.system:1:1: error: no element found");
    EXPECT_EQ(error_of("<system>\n  <protection_domain name=\"a\">\n</system>", t),
              "t.system:3:3: error: mismatched tag");
    EXPECT_EQ(error_of("<system><map a=\"1\" a=\"2\"/></system>", t),
              "t.system:1:20: error: duplicate attribute");
    EXPECT_EQ(error_of("<system>\n<protection_domain name=\"a></system>", t),
              "t.system:2:28: error: not well-formed (invalid token)");
    EXPECT_EQ(error_of(std::string("<system>\0</system>", 18), t), "t.system:1:9: error: not well-formed (invalid token)");
    EXPECT_EQ(error_of("<notsystem/>", t), "t.system:1:1: error: the root element must be 'system', not 'notsystem'");
    std::string deep = "<system>";
    for (int i = 0; i < 200; ++i)
        deep += "<a>";
    EXPECT_EQ(error_of(deep, t), "t.system:1:390: error: elements are nested more than 128 levels deep");
}

TEST(Xml, CommentsAndWhitespaceAreFine) {
    const Target t = test::target("aarch64");
    const auto sd = parse("<?xml version=\"1.0\"?>\n<!-- c -->\n<system>\n\t<!-- c -->\r\n  " + hello.substr(8) +
                              "<?pi x?></protection_domain>\n</system>\n<!-- after -->\n", "t.system", t, {test::folder});
    ASSERT_EQ(sd.pds.size(), 1u);
    EXPECT_EQ(sd.pds[0].where.text(), "t.system:5:3");
}

TEST(ParseFile, NamesTheFileInMessages) {
    try {
        parse_file(model + "/does-not-exist.system", test::target("aarch64"), {});
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(std::string(e.what()), model + "/does-not-exist.system: error: cannot read the system description");
    }
}

TEST(KernelConfig, MicrokitsQemuKernels) {
    const std::string root = "/opt/sel4/microkit-";
    const auto path = [&](const char *arch) { return root + arch + "/libsel4/include/kernel/gen_config.json"; };
    if (!std::filesystem::exists(path("aarch64")))
        GTEST_SKIP() << "no Microkit kernels in /opt/sel4";
    const Target a = target_from_kernel_config(path("aarch64"));
    EXPECT_EQ(a.arch, "aarch64");
    EXPECT_TRUE(a.hypervisor);
    EXPECT_TRUE(a.arm_smc);
    EXPECT_EQ(a.user_vspace_top, 0xff'ffff'ffffu);
    EXPECT_EQ(a.num_cores, 1u);
    EXPECT_EQ(a.num_domain_schedules, 100u);
    EXPECT_EQ(a.num_domains, 16u);
    EXPECT_TRUE(a.virtual_machines());
    const Target r = target_from_kernel_config(path("riscv64"));
    EXPECT_EQ(r.arch, "riscv64");
    EXPECT_FALSE(r.hypervisor);
    EXPECT_EQ(r.user_vspace_top, 0x3f'ffff'efffu);
    EXPECT_FALSE(r.virtual_machines());
    const Target x = target_from_kernel_config(path("x86_64"));
    EXPECT_EQ(x.arch, "x86_64");
    EXPECT_TRUE(x.iommu);
    EXPECT_FALSE(x.vtx);
    EXPECT_EQ(x.user_vspace_top, 0x7fff'ffff'efffu);
    EXPECT_EQ(x.stack_top(), 0x7fff'ffff'd000u);
}

TEST(KernelConfig, Written) {
    const auto file = std::filesystem::temp_directory_path() / ("sdf-config-" + std::to_string(::getpid()) + ".json");
    const auto read = [&](const std::string &json) {
        std::ofstream(file) << json;
        try {
            const Target t = target_from_kernel_config(file.string());
            return t.arch + " cores=" + std::to_string(t.num_cores) + " hyp=" + std::to_string(t.hypervisor) +
                   " schedules=" + std::to_string(t.num_domain_schedules);
        } catch (const Error &e) {
            return std::string(e.what()).substr(file.string().size());
        }
    };
    EXPECT_EQ(read(R"({"SEL4_ARCH":"aarch64","ARM_HYPERVISOR_SUPPORT":false,"MAX_NUM_NODES":"4",
                       "ENABLE_SMP_SUPPORT":true,"NUM_DOMAIN_SCHEDULES":"256"})"),
              "aarch64 cores=4 hyp=0 schedules=256");
    EXPECT_EQ(read(R"({"SEL4_ARCH":"aarch64","MAX_NUM_NODES":"4","ENABLE_SMP_SUPPORT":false})"),
              "aarch64 cores=1 hyp=0 schedules=100");
    EXPECT_EQ(read(R"({"SEL4_ARCH":"ia32"})"),
              ": error: SEL4_ARCH 'ia32' is not one of Microkit's (aarch64, riscv64, x86_64)");
    EXPECT_EQ(read(R"({"ARCH":"arm"})"), ": error: no SEL4_ARCH in the kernel configuration");
    EXPECT_EQ(read("{not json"), ": error: not a JSON object (a kernel's gen_config.json)");
    std::filesystem::remove(file);
}

} // namespace
} // namespace sel4::microkit::sdf
