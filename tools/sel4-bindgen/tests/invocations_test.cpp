// The object API: label numbering, message layout, names, errors, and the generated header of
// the fixture kernel used through its typed methods.
#include "diagnostics.hpp"
#include "emit_invocations.hpp"
#include "invocations.hpp"
#include "test_cap.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <unistd.h>

using namespace sel4_bindgen;
namespace fs = std::filesystem;

namespace {

const std::string include = std::string(BINDGEN_TEST_DATA) + "/prefix/libsel4/include/";
const std::vector<std::string> fixture_files = {include + "interfaces/object-api.xml",
                                                include + "interfaces/object-api-sel4-arch.xml",
                                                include + "interfaces/object-api-arch.xml"};

config::Config config_with(const std::string &json) {
    config::Config config;
    config.parse(json, "c.json");
    return config;
}

const invocations::Method &find(const invocations::ObjectApi &api, const std::string &c_name) {
    for (const invocations::Method &method : api.methods)
        if (method.c_name() == c_name)
            return method;
    throw std::runtime_error("no " + c_name);
}

std::string error_of(const std::string &xml) {
    try {
        invocations::parse({{"o.xml", xml}}, config_with("{\"ARCH_AARCH64\": true}"));
    } catch (const InputError &error) {
        return error.what();
    }
    return "(no error)";
}

std::string method_xml(const std::string &params) {
    return "<api>\n<interface name=\"seL4_TCB\">\n<method id=\"TCBX\" name=\"X\">\n" + params + "</method>\n</interface>\n</api>";
}

} // namespace

TEST(Invocations, LabelsFollowLibsel4AndConditionsDropLabels) {
    auto labels_of = [](const invocations::ObjectApi &api) {
        std::vector<std::pair<std::string, long>> labels;
        for (const auto &label : api.labels)
            if (label.condition.holds)
                labels.emplace_back(label.name, label.number);
        return labels;
    };
    const auto plain = invocations::load(fixture_files, config_with("{\"ARCH_AARCH64\": true}"));
    const std::vector<std::pair<std::string, long>> expected = {
        {"UntypedRetype", 1}, {"TCBPacked", 2},         {"TCBTwoCaps", 3},      {"CNodeDelete", 4},
        {"TCBWriteRegisters", 5}, {"TCBGetBreakpoint", 6}, {"ARMPageMap", 7}, {"ARMPageGetAddress", 8}};
    EXPECT_EQ(labels_of(plain), expected);
    EXPECT_FALSE(find(plain, "seL4_TCB_OnlyOnMcs").condition.holds);
    EXPECT_EQ(find(plain, "seL4_TCB_OnlyOnMcs").condition.text, "defined(CONFIG_KERNEL_MCS)");

    const auto mcs = invocations::load(fixture_files, config_with("{\"ARCH_AARCH64\": true, \"KERNEL_MCS\": true}"));
    const std::vector<std::pair<std::string, long>> expected_mcs = {
        {"UntypedRetype", 1}, {"TCBOnlyOnMcs", 2},     {"TCBTwoCaps", 3},      {"CNodeDelete", 4},
        {"TCBWriteRegisters", 5}, {"TCBGetBreakpoint", 6}, {"ARMPageMap", 7}, {"ARMPageGetAddress", 8}};
    EXPECT_EQ(labels_of(mcs), expected_mcs);
}

TEST(Invocations, InterfacesInSeveralFilesMergeIntoOneTag) {
    const auto api = invocations::load(fixture_files, config_with("{\"ARCH_AARCH64\": true}"));
    // VSpace first from TCB_TwoCaps's vspace, a bare seL4_CPtr that `meanings` calls a VSpace.
    EXPECT_EQ(api.tags, (std::vector<std::string>{"Untyped", "CNode", "Tcb", "VSpace", "Page"}));
    EXPECT_EQ(find(api, "seL4_TCB_Packed").tag, "Tcb");
    EXPECT_EQ(find(api, "seL4_TCB_WriteRegisters").tag, "Tcb");
    EXPECT_EQ(find(api, "seL4_TCB_WriteRegisters").path, fixture_files[1]);
}

TEST(Invocations, ParametersArePackedAsLibsel4PacksThem) {
    const auto api = invocations::load(fixture_files, config_with("{\"ARCH_AARCH64\": true}"));
    const auto &packed = find(api, "seL4_TCB_Packed");
    std::vector<unsigned> offsets;
    for (const auto &param : packed.inputs)
        offsets.push_back(param.offset);
    EXPECT_EQ(offsets, (std::vector<unsigned>{0, 8, 16, 64})); // two bytes, a bit, then a word aligned
    EXPECT_EQ(packed.input_words, 2u);
    EXPECT_EQ(packed.extra_caps, 0u);

    const auto &two_caps = find(api, "seL4_TCB_TwoCaps");
    EXPECT_EQ(two_caps.extra_caps, 2u);
    EXPECT_EQ(two_caps.inputs[0].offset, 0u); // the first extra cap
    EXPECT_EQ(two_caps.inputs[1].offset, 0u); // message word 0
    EXPECT_EQ(two_caps.inputs[2].offset, 1u); // the second extra cap
    EXPECT_EQ(two_caps.input_words, 1u);

    const auto &retype = find(api, "seL4_Untyped_Retype");
    EXPECT_EQ(retype.input_words, 6u); // more than the 4 register words
    EXPECT_EQ(retype.extra_caps, 1u);
    EXPECT_EQ(retype.brief, "Retype an untyped object");

    const auto &write = find(api, "seL4_TCB_WriteRegisters");
    EXPECT_EQ(write.input_words, 2u + 36u);
    EXPECT_EQ(write.register_count, std::optional<std::size_t>(2));

    const auto &breakpoint = find(api, "seL4_TCB_GetBreakpoint");
    std::vector<unsigned> out_offsets;
    for (const auto &param : breakpoint.outputs)
        out_offsets.push_back(param.offset);
    EXPECT_EQ(out_offsets, (std::vector<unsigned>{0, 64, 72}));
}

TEST(Invocations, TypedInputsFollowWhatTheXmlSaysTheArgumentsAre) {
    const auto api = invocations::load(fixture_files, config_with("{\"ARCH_AARCH64\": true}"));
    using invocations::Typed;
    auto typed_of = [&](const std::string &c_name) {
        std::vector<std::tuple<Typed, std::string, std::string, std::vector<std::size_t>>> list;
        for (const auto &input : find(api, c_name).typed_inputs)
            list.emplace_back(input.typed, input.name, input.tag, input.inputs);
        return list;
    };
    using List = decltype(typed_of(""));
    // type and size_bits are a blueprint; root, node_index and node_depth an absolute address.
    EXPECT_EQ(typed_of("seL4_Untyped_Retype"),
              (List{{Typed::Blueprint, "blueprint", "", {0, 1}},
                    {Typed::Absolute, "node", "", {2, 3, 4}},
                    {Typed::Same, "node_offset", "", {5}},
                    {Typed::Same, "num_objects", "", {6}}}));
    // An index and a depth from the invoked CNode.
    EXPECT_EQ(typed_of("seL4_CNode_Delete"), (List{{Typed::Relative, "slot", "", {0, 1}}}));
    EXPECT_EQ(typed_of("seL4_TCB_TwoCaps"), (List{{Typed::Cap, "cspace", "CNode", {0}},
                                                  {Typed::Same, "data", "", {1}},
                                                  {Typed::Cap, "vspace", "VSpace", {2}}}));
    EXPECT_EQ(typed_of("seL4_ARM_Page_Map"), (List{{Typed::Cap, "vspace", "VSpace", {0}},
                                                   {Typed::Same, "vaddr", "", {1}},
                                                   {Typed::CapRights, "rights", "", {2}},
                                                   {Typed::VmAttributes, "attr", "", {3}}}));
    EXPECT_EQ(find(api, "seL4_Untyped_Retype").typed_inputs.size(), 4u);
    EXPECT_EQ(api.arch.vspace_tag, "VSpace");
    // On x86_64 and riscv64 a VSpace is another object.
    EXPECT_EQ(invocations::parse({}, config_with("{\"ARCH_X86_64\": true}")).arch.vspace_tag, "Pml4");
    EXPECT_EQ(invocations::parse({}, config_with("{\"ARCH_RISCV64\": true}")).arch.vspace_tag, "PageTable");
}

TEST(Invocations, Names) {
    EXPECT_EQ(snake_case("SetIPCBuffer"), "set_ipc_buffer");
    EXPECT_EQ(snake_case("TCB"), "tcb");
    EXPECT_EQ(snake_case("CNode"), "cnode");
    EXPECT_EQ(snake_case("IRQControl"), "irq_control");
    EXPECT_EQ(snake_case("ASIDPool"), "asid_pool");
    EXPECT_EQ(snake_case("Unify_Instruction"), "unify_instruction");
    EXPECT_EQ(snake_case("ARM_VSpace"), "arm_vspace");
    EXPECT_EQ(snake_case("X86_IOPortControl"), "x86_io_port_control");
    EXPECT_EQ(snake_case("SetMCPriority"), "set_mc_priority");
    EXPECT_EQ(snake_case("In16"), "in16");
    const auto api = invocations::load(fixture_files, config_with("{\"ARCH_AARCH64\": true}"));
    EXPECT_EQ(stub_name(find(api, "seL4_ARM_Page_Map")), "arm_page_map");
    EXPECT_EQ(mixin_name(find(api, "seL4_CNode_Delete")), "delete_");
    EXPECT_EQ(out_struct_name(find(api, "seL4_TCB_GetBreakpoint")), "TcbGetBreakpointOut");
}

TEST(Invocations, ErrorsNameFileAndLine) {
    EXPECT_EQ(error_of("<api>\n<interface>\n</api>"), "o.xml:2: malformed XML: XML_ERROR_MISMATCHED_ELEMENT");
    EXPECT_EQ(error_of("<api>\n<interface name=\"seL4_Frobnicator\"/>\n</api>"),
              "o.xml:2: unknown interface 'seL4_Frobnicator' (sel4-bindgen has no sel4::obj tag for it; add it to "
              "cap_tags)");
    EXPECT_EQ(error_of(method_xml("<param dir=\"in\" name=\"x\" type=\"seL4_Float\"/>\n")),
              "o.xml:4: unknown type 'seL4_Float' of parameter 'x'");
    EXPECT_EQ(error_of(method_xml("<param dir=\"in\" name=\"x\" type=\"seL4_VCPUContext\"/>\n")),
              "o.xml:4: unknown type 'seL4_VCPUContext' of parameter 'x'"); // an x86 struct
    EXPECT_EQ(error_of(method_xml("<param dir=\"up\" name=\"x\" type=\"seL4_Word\"/>\n")),
              "o.xml:4: parameter 'x' needs dir=\"in\" or dir=\"out\"");
    EXPECT_EQ(error_of(method_xml("<param dir=\"in\" name=\"ipc\" type=\"seL4_Word\"/>\n")),
              "o.xml:4: parameter name 'ipc' is used by the generated code itself");
    EXPECT_EQ(error_of(method_xml("<condition><xor/></condition>\n")), "o.xml:4: unknown element <xor> in a condition");
    EXPECT_EQ(error_of(method_xml("<param dir=\"out\" name=\"c\" type=\"seL4_CPtr\"/>\n")),
              "o.xml:4: output parameter 'c' has type 'seL4_CPtr', which libsel4 cannot return");
    EXPECT_EQ(error_of("<api>\n<interface name=\"seL4_TCB\">\n<method id=\"A\" name=\"X\"/>\n"
                       "<method id=\"A\" name=\"Y\"/>\n</interface>\n</api>"),
              "o.xml:4: label 'A' is already used at o.xml:3 (a method that shares it says duplicate=\"true\")");
    EXPECT_EQ(error_of("<api>\n<interface name=\"seL4_TCB\">\n<method id=\"A\" name=\"X\"/>\n"
                       "<method id=\"A\" name=\"Y\" duplicate=\"true\"/>\n</interface>\n</api>"),
              "(no error)");
    EXPECT_EQ(error_of(method_xml("<param dir=\"in\" name=\"src_root\" type=\"seL4_CNode\"/>\n"
                                  "<param dir=\"in\" name=\"src_index\" type=\"seL4_Word\"/>\n"
                                  "<param dir=\"in\" name=\"src_depth\" type=\"seL4_Uint8\"/>\n"
                                  "<param dir=\"in\" name=\"src\" type=\"seL4_Word\"/>\n")),
              "o.xml:7: the typed method's parameter 'src' of 'seL4_TCB_X' would appear twice");
    EXPECT_EQ(error_of(method_xml("<param dir=\"in\" name=\"root\" type=\"seL4_CNode\"/>\n"
                                  "<param dir=\"in\" name=\"index\" type=\"seL4_Word\"/>\n"
                                  "<param dir=\"in\" name=\"depth\" type=\"seL4_Uint8\"/>\n"
                                  "<param dir=\"out\" name=\"slot\" type=\"seL4_Word\"/>\n")),
              "o.xml:4: the typed method's parameter 'slot' of 'seL4_TCB_X' would appear twice"); // an output
    EXPECT_EQ(error_of("<api>\n<interface name=\"seL4_TCB\">\n<method id=\"A\" name=\"X\">\n"
                       "<param dir=\"in\" name=\"a\" type=\"seL4_CPtr\"/>\n<param dir=\"in\" name=\"b\" type=\"seL4_CPtr\"/>\n"
                       "<param dir=\"in\" name=\"c\" type=\"seL4_CPtr\"/>\n<param dir=\"in\" name=\"d\" type=\"seL4_CPtr\"/>\n"
                       "</method>\n</interface>\n</api>"),
              "o.xml:7: more than 3 cap parameters");
}

TEST(Invocations, TheToolFailsOnBadInputAndWritesNothing) {
    const fs::path dir = fs::path(::testing::TempDir()) / ("invocations-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(std::string(BINDGEN_TEST_DATA) + "/prefix", dir / "prefix", fs::copy_options::recursive);
    std::ofstream(dir / "prefix/libsel4/include/interfaces/object-api-arch.xml")
        << "<api>\n<interface name=\"seL4_ARM_Page\">\n<method id=\"M\" name=\"M\">\n"
           "<param dir=\"in\" name=\"x\" type=\"seL4_Nonsense\"/>\n</method>\n</interface>\n</api>\n";
    const std::string command = std::string(BINDGEN_EXECUTABLE) + " --prefix " + (dir / "prefix").string() +
                                " --out " + (dir / "out").string() + " 2> " + (dir / "stderr").string();
    EXPECT_NE(std::system(command.c_str()), 0);
    std::ifstream stderr_file(dir / "stderr");
    std::string message;
    std::getline(stderr_file, message);
    EXPECT_EQ(message, (dir / "prefix/libsel4/include/interfaces/object-api-arch.xml").string() +
                           ":4: unknown type 'seL4_Nonsense' of parameter 'x'");
    EXPECT_FALSE(fs::exists(dir / "out"));
    fs::remove_all(dir);
}

// The fixture kernel's generated header, through the stand-in support header.
TEST(Invocations, GeneratedStubsMarshalAsLibsel4) {
    sel4::test::ipc_buffer = {};
    sel4::test::reply_info = 0;
    sel4::test::reply_mrs = {11, 12, 13, 14};
    ASSERT_EQ(sel4::gen::untyped_retype(sel4::test::ipc_buffer, 7, 1, 2, 3, 4, 5, 6, 8), sel4::Error::NoError);
    EXPECT_EQ(sel4::test::last_call.dest, 7u);
    const sel4::gen::seL4_MessageInfo info(static_cast<sel4::Word>(sel4::gen::InvocationLabel::UntypedRetype), 0, 1, 6);
    EXPECT_EQ(sel4::test::last_call.info, info.words[0]);
    EXPECT_EQ(sel4::test::last_call.mrs, (std::array<sel4::Word, 4>{1, 2, 4, 5}));
    EXPECT_EQ(sel4::test::ipc_buffer.caps_or_badges[0], 3u);
    EXPECT_EQ(sel4::test::ipc_buffer.msg[4], 6u);
    EXPECT_EQ(sel4::test::ipc_buffer.msg[5], 8u);

    ASSERT_EQ(sel4::gen::tcb_packed(sel4::test::ipc_buffer, 1, 0xab, 0xcd, true, 99), sel4::Error::NoError);
    EXPECT_EQ(sel4::test::last_call.mrs, (std::array<sel4::Word, 4>{0x1cdab, 99, 0, 0}));
}

TEST(Invocations, TypedMethodsReturnResults) {
    const sel4::cap::Tcb tcb(5);
    sel4::test::reply_info = 0;
    sel4::test::reply_mrs = {0x1234, 0x1ff, 0x1, 0};
    sel4::test::ipc_buffer = {};
    const auto breakpoint = tcb.get_breakpoint(3);
    ASSERT_TRUE(breakpoint.has_value());
    EXPECT_EQ(breakpoint->vaddr, 0x1234u);
    EXPECT_EQ(breakpoint->rw, 0xffu); // the low 8 bits of word 1
    EXPECT_TRUE(breakpoint->is_enabled); // bit 8 of word 1
    EXPECT_EQ(sel4::test::last_call.dest, 5u);
    EXPECT_EQ(sel4::test::last_call.mrs[0], 3u);

    EXPECT_TRUE(tcb.two_caps(sel4::cap::CNode(9), 4, sel4::cap::VSpace(10)).has_value());
    EXPECT_EQ(sel4::test::ipc_buffer.caps_or_badges[0], 9u);
    EXPECT_EQ(sel4::test::ipc_buffer.caps_or_badges[1], 10u);

    // An error: the reply's label; the register words are left in the IPC buffer.
    sel4::test::reply_info = 1u << 12; // InvalidArgument
    sel4::test::reply_mrs = {21, 22, 23, 24};
    const auto address = sel4::cap::Page(2).get_address();
    EXPECT_EQ(address, std::unexpected(sel4::Error::InvalidArgument));
    EXPECT_EQ(sel4::test::ipc_buffer.msg[0], 21u);
    EXPECT_EQ(sel4::test::ipc_buffer.msg[3], 24u);
    EXPECT_EQ(sel4::cap::CNode(1).delete_({2, 3}), std::unexpected(sel4::Error::InvalidArgument));
}

// A typed method sends what its stub sends for the arguments its typed ones stand for.
TEST(Invocations, TypedArgumentsReachTheStubAsTheirParts) {
    sel4::test::reply_info = 0;
    auto sent = [] {
        const sel4::test::Call call = sel4::test::last_call;
        return std::tuple(call.dest, call.info, call.mrs, sel4::test::ipc_buffer.caps_or_badges[0],
                          sel4::test::ipc_buffer.msg[4], sel4::test::ipc_buffer.msg[5]);
    };
    const sel4::cap::CNode node_root(3);
    ASSERT_TRUE(sel4::cap::Untyped(7)
                    .retype({sel4::gen::ObjectType::TCBObject, 2}, sel4::AbsoluteCPtr(node_root, {4, 5}), 6, 8)
                    .has_value());
    const auto typed = sent();
    ASSERT_EQ(sel4::gen::untyped_retype(sel4::test::ipc_buffer, 7, 1, 2, 3, 4, 5, 6, 8), sel4::Error::NoError);
    EXPECT_EQ(typed, sent());

    const sel4::CapRights rights = sel4::CapRights::read().with_grant();
    ASSERT_TRUE(sel4::cap::Page(9)
                    .map(sel4::cap::VSpace(10), 0x4000, rights,
                         sel4::gen::ARM_VMAttributes::PageCacheable | sel4::gen::ARM_VMAttributes::ExecuteNever)
                    .has_value());
    const auto typed_map = sent();
    ASSERT_EQ(sel4::gen::arm_page_map(sel4::test::ipc_buffer, 9, 10, 0x4000, sel4::gen::seL4_CapRights(0, 1, 1, 0), 5),
              sel4::Error::NoError);
    EXPECT_EQ(typed_map, sent());

    ASSERT_TRUE(sel4::cap::CNode(11).delete_(sel4::RelativeCPtr(12)).has_value()); // every bit of the CPtr
    const auto typed_delete = sent();
    ASSERT_EQ(sel4::gen::cnode_delete(sel4::test::ipc_buffer, 11, 12, 64), sel4::Error::NoError);
    EXPECT_EQ(typed_delete, sent());
}
