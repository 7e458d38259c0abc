#include "random_spec.hpp"
#include "random_system.hpp"

#include <sel4/capdl/json.hpp>

#include <gtest/gtest.h>

#include <random>

using namespace sel4::capdl;

namespace {

std::string error_of(std::string_view text) {
    try {
        read_json(text, "spec.json");
    } catch (const SpecError &error) {
        return error.what();
    }
    return "(no error)";
}

// A spec in the form rust-sel4's add-spec reads: optional fields absent or null, x86_ept left
// to its default, an unknown field (serde ignores those).
constexpr std::string_view input_spec = R"({
  "objects": [
    {"name": "ep", "object": "Endpoint"},
    {"name": "cnode_pd", "object": {"CNode": {"size_bits": 9, "slots": [
      {"slot": 1, "cap": {"Endpoint": {"object": 0, "badge": 7,
        "rights": {"read": true, "write": true, "grant": false, "grant_reply": true}}}}]}}},
    {"name": "elf_page_0", "object": {"Frame": {"size_bits": 12, "paddr": null, "init": {"entries": [
      {"range": {"start": 0, "end": 4096}, "content": {"Data": {"file": "pd.elf", "file_offset": 65536}}}]}}}},
    {"name": "fdt", "object": {"Frame": {"size_bits": 12, "init": {"entries": [
      {"range": {"start": 16, "end": 4096}, "content": {"BootInfo": {"id": "Fdt", "offset": 0}}}]}}}},
    {"object": {"PageTable": {"is_root": true, "level": 0, "slots": [
      {"slot": 0, "cap": {"Frame": {"object": 2, "rights": {"read": true, "write": false, "grant": false,
        "grant_reply": false}, "cached": true, "executable": true}}}]}}},
    {"name": "tcb_pd", "object": {"Tcb": {"slots": [
      {"slot": 0, "cap": {"CNode": {"object": 1, "guard": 0, "guard_size": 55}}},
      {"slot": 1, "cap": {"PageTable": {"object": 4}}}],
      "extra": {"ipc_buffer_addr": 1099511623680, "affinity": 0, "prio": 100, "max_prio": 100,
        "fpu_disabled": false, "resume": true, "domain": null, "ip": 2097152, "sp": 1099511619584,
        "gprs": [1, 2], "master_fault_ep": null}}}},
    {"name": "irq_79", "object": {"ArmIrq": {"slots": [], "extra": {"trigger": 1, "target": 0}}}}
  ],
  "irqs": [{"irq": 79, "handler": 6}],
  "domain_schedule": null, "domain_set_start": null, "domain_idx_shift": null,
  "asid_slots": [], "root_objects": {"start": 0, "end": 7}, "untyped_covers": [],
  "a_field_of_a_later_version": 1
})";

} // namespace

TEST(Json, ReadsAddSpecInput) {
    const Spec spec = read_json(input_spec, "spec.json");
    ASSERT_EQ(spec.objects.size(), 7u);
    EXPECT_EQ(spec.objects[0].name, "ep");
    EXPECT_TRUE(std::holds_alternative<object::Endpoint>(spec.objects[0].object));
    const auto &cnode = std::get<object::CNode>(spec.objects[1].object);
    EXPECT_EQ(cnode.size_bits, 9);
    ASSERT_EQ(cnode.slots.size(), 1u);
    EXPECT_EQ(cnode.slots[0].slot, 1u);
    EXPECT_EQ(cnode.slots[0].cap.kind, CapKind::Endpoint);
    EXPECT_EQ(cnode.slots[0].cap.badge, 7u);
    EXPECT_EQ(cnode.slots[0].cap.rights, (Rights{true, true, false, true}));
    const auto &page = std::get<object::Frame>(spec.objects[2].object);
    EXPECT_FALSE(page.paddr);
    ASSERT_EQ(page.init.size(), 1u);
    EXPECT_EQ(std::get<object::FileData>(page.init[0].content), (object::FileData{"pd.elf", 65536}));
    const auto &fdt = std::get<object::Frame>(spec.objects[3].object);
    EXPECT_EQ(std::get<object::BootInfoData>(fdt.init[0].content).id, object::BootInfoId::Fdt);
    const auto &root = std::get<object::PageTable>(spec.objects[4].object);
    EXPECT_FALSE(spec.objects[4].name);
    EXPECT_FALSE(root.x86_ept);
    EXPECT_TRUE(root.is_root);
    EXPECT_EQ(root.level, 0);
    EXPECT_TRUE(root.slots[0].cap.executable);
    const auto &tcb = std::get<object::Tcb>(spec.objects[5].object);
    EXPECT_EQ(tcb.slots[0].cap.guard_size, 55);
    EXPECT_EQ(tcb.extra.ipc_buffer_addr, 1099511623680u);
    EXPECT_EQ(tcb.extra.gprs, (std::vector<Word>{1, 2}));
    EXPECT_FALSE(tcb.extra.master_fault_ep);
    EXPECT_EQ(std::get<object::ArmIrq>(spec.objects[6].object).trigger, 1);
    EXPECT_EQ(spec.irqs, (std::vector<IrqEntry>{{79, 6}}));
    EXPECT_EQ(spec.root_objects, (Range<ObjectId>{0, 7}));
    EXPECT_FALSE(spec.domain_schedule);
    EXPECT_FALSE(spec.cached_orig_cap_slots);
    EXPECT_FALSE(spec.log_level);
}

// Specs of random structure (not necessarily valid), in which every kind and field occurs.
TEST(Json, RoundTripsRandomSpecs) {
    for (unsigned seed = 0; seed < 400; ++seed) {
        capdl_test::RandomSpec random(seed);
        const Spec spec = random.make(1 + seed % 40);
        for (int indent : {-1, 2}) {
            const std::string text = write_json(spec, indent);
            ASSERT_TRUE(read_json(text, "random.json") == spec) << "seed " << seed << ":\n" << text;
        }
    }
}

// Valid systems (Builder::finish validates them against their kernel) survive the round trip,
// and stay valid.
TEST(Json, RoundTripsRandomValidSpecs) {
    const auto kernels = capdl_test::test_kernels();
    for (unsigned seed = 0; seed < 400; ++seed) {
        const KernelConfig &kernel = kernels[seed % kernels.size()];
        const Spec spec = capdl_test::random_system(seed, kernel);
        const Spec back = read_json(write_json(spec, seed % 2 ? 2 : -1), "random.json");
        ASSERT_TRUE(back == spec) << "seed " << seed;
        ASSERT_EQ(validate(back, &kernel), std::vector<std::string>{}) << "seed " << seed;
    }
}

TEST(Json, NamesWhereTheInputIsWrong) {
    EXPECT_TRUE(error_of("{").starts_with("spec.json: not JSON: ")) << error_of("{");
    EXPECT_TRUE(error_of("1e400").starts_with("spec.json: not JSON: ")) << error_of("1e400");
    EXPECT_EQ(error_of("[]"), "spec.json: (top level): expected an object");
    EXPECT_EQ(error_of(R"({"objects": []})"), "spec.json: (top level): missing field 'irqs'");
    EXPECT_EQ(error_of(R"({"objects": [{"object": "Endpoint"}, {"object": {"Thing": {}}}]})"),
              "spec.json: objects[1].object: unknown object kind 'Thing'");
    EXPECT_EQ(error_of(R"({"objects": [{"object": {"CNode": {"size_bits": 300, "slots": []}}}]})"),
              "spec.json: objects[0].object.CNode.size_bits: 300 is out of range (at most 255)");
    EXPECT_EQ(error_of(R"({"objects": [{"object": {"CNode": {"size_bits": -1, "slots": []}}}]})"),
              "spec.json: objects[0].object.CNode.size_bits: expected a non-negative integer");
    EXPECT_EQ(error_of(R"({"objects": [{"object": {"CNode": {"size_bits": 4, "slots": [
                  {"slot": 0, "cap": {"Nope": {"object": 0}}}]}}}]})"),
              "spec.json: objects[0].object.CNode.slots[0].cap: unknown cap kind 'Nope'");
    EXPECT_EQ(error_of(R"({"objects": [{"object": {"Endpoint": {"x": 1}}}]})"),
              "spec.json: objects[0].object: object 'Endpoint' takes no fields");
    EXPECT_EQ(error_of(R"({"objects": [{"object": "CNode"}]})"), "spec.json: objects[0].object: object 'CNode' needs its fields");
    EXPECT_EQ(error_of(R"({"objects": [], "irqs": [], "domain_schedule": [{"domain": 0, "duration": {"Ticks": 0}}]})"),
              "spec.json: domain_schedule[0].duration.Ticks: a duration is non-zero");
    EXPECT_EQ(error_of(R"({"objects": [{"name": 5, "object": "Endpoint"}]})"), "spec.json: objects[0].name: expected a string");
}

// Mutated documents: each either reads or is refused with a SpecError, never anything else.
TEST(Json, MutatedInputNeverCrashes) {
    std::mt19937_64 random(1);
    const std::string tokens[] = {"{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "1e400", "18446744073709551616",
                                  "\"Endpoint\"", "\"CNode\"", "{\"Frame\":{}}", "\\u0000", "0"};
    std::size_t refused = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string text = write_json(capdl_test::RandomSpec(i).make(1 + i % 6));
        for (int mutations = 1 + static_cast<int>(random() % 4); mutations > 0; --mutations) {
            const std::size_t at = random() % text.size();
            switch (random() % 3) {
            case 0:
                text.erase(at, 1 + random() % 8);
                break;
            case 1:
                text.insert(at, tokens[random() % std::size(tokens)]);
                break;
            default:
                text[at] = static_cast<char>(random());
                break;
            }
            if (text.empty()) text = "x";
        }
        try {
            read_json(text, "mutated.json");
        } catch (const SpecError &) {
            ++refused;
        }
    }
    EXPECT_GT(refused, 15000u); // nearly every mutation breaks the document
}
