// capdl_tool::add_spec in-process: a spec attached to an initializer-like ELF (written here: two
// segments and a symbol table with the location variable), read back through SpecView and the
// patched location; each refusal with its message and no output file; and a mutation fuzz of
// the spec's JSON (each mutated spec attached or refused with an AddSpecError, nothing else).
#include "add_spec.hpp"

#include <elf_file.hpp>
#include <sel4/capdl/binary.hpp>
#include <sel4/capdl/builder.hpp>
#include <sel4/capdl/json.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>

namespace capdl = sel4::capdl;
namespace binary = sel4::capdl::binary;
namespace fs = std::filesystem;
using capdl::ObjectId;
using capdl_tool::AddSpecError;
using capdl_tool::AddSpecOptions;

namespace {

const std::string tests_dir = CAPDL_TOOL_TESTS_DIR;
const std::string x86_64_config = tests_dir + "/x86_64-config.json";
const std::string small_cnode_config = tests_dir + "/x86_64-small-cnode-config.json";

constexpr std::uint64_t page = 4096;
constexpr std::uint64_t text_vaddr = 0x400000, data_vaddr = 0x401000;
constexpr std::uint64_t location_offset = 0x40; // in the data segment
constexpr char unpatched[8] = {'N', 'O', ' ', 'S', 'P', 'E', 'C', '!'};

struct Failed {
    [[noreturn]] void operator()(std::string_view what, std::uint64_t index, std::uint64_t bound) const {
        throw std::runtime_error("corrupt spec: " + std::string(what) + " " + std::to_string(index) + " (" +
                                 std::to_string(bound) + ")");
    }
};
using View = binary::SpecView<Failed>;

template <class T> void put(std::vector<std::uint8_t> &out, std::size_t offset, T value) {
    std::memcpy(out.data() + offset, &value, sizeof value);
}

// A new file each time: rewriting one in place (O_TRUNC) makes ext4 flush it on close, which
// would take the fuzz test's time ten times over.
void write_file(const std::string &path, const std::vector<std::uint8_t> &bytes) {
    fs::remove(path);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error(path + ": cannot write");
}
void write_text(const std::string &path, const std::string &text) { write_file(path, {text.begin(), text.end()}); }

// The initializer's stand-in: an x86_64 executable with code at 4 MiB, data in the next page
// (0x100 bytes of file, two pages of memory) holding the location variable, and a .symtab with
// `_start` and `sel4_capdl_spec_location` (at `location`; none without a symbol table). With
// `kernel_config`, a read-only segment after the data holds it between the symbols that name
// the initializer's kernel configuration. elf::serialize writes the program headers and
// segments; the sections follow here.
std::vector<std::uint8_t> initializer_elf(bool symbol_table, std::uint64_t location = data_vaddr + location_offset,
                                          const std::string &kernel_config = {}) {
    elf::File file;
    file.name = "initializer";
    file.machine = elf::machine_x86_64;
    file.entry = text_vaddr;
    file.segments.push_back({text_vaddr, text_vaddr, page, 5, std::vector<std::uint8_t>(64, 0xc3)});
    std::vector<std::uint8_t> data(0x100, 0);
    std::memcpy(data.data() + location_offset, unpatched, sizeof unpatched);
    file.segments.push_back({data_vaddr, data_vaddr, 2 * page, 6, data});
    constexpr std::uint64_t config_vaddr = data_vaddr + 2 * page;
    if (!kernel_config.empty())
        file.segments.push_back({config_vaddr, config_vaddr, kernel_config.size(), 4,
                                 std::vector<std::uint8_t>(kernel_config.begin(), kernel_config.end())});
    std::vector<std::uint8_t> out = elf::serialize(file);
    if (!symbol_table) return out;

    std::string strings = std::string("\0_start\0", 8) + binary::location_symbol + '\0';
    const auto config_name = static_cast<std::uint32_t>(strings.size());
    strings += std::string(binary::kernel_config_symbol) + '\0';
    const auto config_end_name = static_cast<std::uint32_t>(strings.size());
    strings += std::string(binary::kernel_config_end_symbol) + '\0';
    const std::size_t symbols = kernel_config.empty() ? 3 : 5;
    auto align8 = [&] { out.resize((out.size() + 7) & ~std::size_t{7}); };
    align8();
    const std::size_t strtab = out.size();
    out.insert(out.end(), strings.begin(), strings.end());
    align8();
    const std::size_t symtab = out.size();
    out.resize(symtab + symbols * 24); // the null symbol, then the others
    auto symbol = [&](std::size_t n, std::uint32_t name, std::uint8_t info, std::uint64_t value, std::uint64_t size) {
        const std::size_t at = symtab + 24 * n;
        put<std::uint32_t>(out, at, name);
        out[at + 4] = info;
        put<std::uint16_t>(out, at + 6, 1); // st_shndx: some section
        put<std::uint64_t>(out, at + 8, value);
        put<std::uint64_t>(out, at + 16, size);
    };
    symbol(1, 1, 0x12, text_vaddr, 1);               // _start: global function
    symbol(2, 8, 0x11, location, sizeof(binary::Location)); // global object
    if (!kernel_config.empty()) {
        symbol(3, config_name, 0x11, config_vaddr, kernel_config.size());
        symbol(4, config_end_name, 0x10, config_vaddr + kernel_config.size(), 0);
    }
    const std::size_t sections = out.size();
    out.resize(sections + 3 * 64);
    auto section = [&](std::size_t n, std::uint32_t type, std::uint64_t offset, std::uint64_t size, std::uint32_t link,
                       std::uint64_t entsize) {
        const std::size_t at = sections + 64 * n;
        put<std::uint32_t>(out, at + 4, type);
        put<std::uint64_t>(out, at + 24, offset);
        put<std::uint64_t>(out, at + 32, size);
        put<std::uint32_t>(out, at + 40, link);
        put<std::uint64_t>(out, at + 56, entsize);
    };
    section(1, 2, symtab, symbols * 24, 2, 24); // SHT_SYMTAB, its names in section 2
    section(2, 3, strtab, strings.size(), 0, 0); // SHT_STRTAB
    put<std::uint64_t>(out, 40, sections);     // e_shoff
    put<std::uint16_t>(out, 58, 64);           // e_shentsize
    put<std::uint16_t>(out, 60, 3);            // e_shnum
    return out;
}

capdl::KernelConfig x86_64_kernel() {
    std::ifstream in(x86_64_config);
    std::stringstream text;
    text << in.rdbuf();
    return capdl::read_kernel_config(text.str(), x86_64_config);
}

// A directory of its own for each test: the initializer, the fill files, the spec; the
// output in out/, which must be empty after every refusal.
class AddSpec : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "capdl-tool-test-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        fs::create_directory(dir_ / "fill");
        fs::create_directory(dir_ / "out");
        write_file(path("initializer.elf"), initializer_elf(true));
        // app.bin: 8 KiB that do not deflate; pattern.bin: 4 KiB that deflate well.
        std::mt19937_64 random(1);
        app_.resize(2 * page);
        for (std::uint8_t &b : app_) b = static_cast<std::uint8_t>(random());
        write_file(path("fill/app.bin"), app_);
        for (std::size_t i = 0; i < page; ++i) pattern_.push_back(static_cast<std::uint8_t>("cpp-sel4 "[i % 9]));
        write_file(path("fill/pattern.bin"), pattern_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string path(const std::string &name) const { return (dir_ / name).string(); }
    std::string output() const { return path("out/initializer.elf"); }

    // A thread with its CSpace, VSpace (its page tables), stack and IPC buffer, an endpoint in
    // its CSpace, a notification an IRQ signals, an untyped with a cover, and three frames
    // filled from files: a page of app.bin (code), 100 bytes of it (data), a page of
    // pattern.bin.
    capdl::Spec valid_spec() const {
        capdl::Builder b(x86_64_kernel());
        const capdl::Thread t = b.thread("app", {.cspace_size_bits = 4, .stack_size = page}, 0x10000);
        const ObjectId ep = b.endpoint("ep");
        b.insert(t.cspace, 1, capdl::cap::endpoint(ep, 5));
        const ObjectId ntfn = b.notification("ntfn");
        b.insert(t.cspace, 2, capdl::cap::notification(ntfn));
        b.irq("irq", 4, ntfn, 1);
        const ObjectId code = b.frame("code");
        b.fill(code, {{0, page}, capdl::object::FileData{"app.bin", 0}});
        b.map(t.vspace, 0x10000, code, capdl::read_only, true, true);
        const ObjectId data = b.frame("data");
        b.fill(data, {{16, 116}, capdl::object::FileData{"app.bin", page}});
        b.map(t.vspace, 0x11000, data);
        const ObjectId text = b.frame("text");
        b.fill(text, {{0, page}, capdl::object::FileData{"pattern.bin", 0}});
        b.map(t.vspace, 0x12000, text, capdl::read_only);
        const ObjectId untyped = b.untyped("pool", 16);
        b.begin_cover(untyped);
        b.endpoint("child");
        b.end_cover();
        return b.finish();
    }

    AddSpecOptions options(const capdl::Spec &spec) const {
        write_text(path("spec.json"), capdl::write_json(spec));
        return {path("initializer.elf"), path("spec.json"), path("fill"), x86_64_config, output()};
    }

    // add_spec's message, having checked that it left no output file.
    std::string refusal(const AddSpecOptions &o) const {
        std::string message = "(no error)";
        try {
            capdl_tool::add_spec(o);
        } catch (const AddSpecError &error) {
            message = error.what();
        }
        EXPECT_FALSE(fs::exists(o.output)) << o.output;
        EXPECT_TRUE(fs::is_empty(dir_ / "out")) << "add_spec left a file in out/";
        return message;
    }

    fs::path dir_;
    std::vector<std::uint8_t> app_, pattern_;
};

// The object of that name in the spec.
binary::Object find(const View &view, std::string_view name) {
    for (ObjectId n = 0; n < view.object_count(); ++n) {
        const binary::Object o = view.object(n);
        if (view.string(o.name) == name) return o;
    }
    throw std::runtime_error("no object " + std::string(name));
}

// The output: its segments, and the location variable as add-spec patched it.
struct Attached {
    elf::File file;
    binary::Location location{};
    const elf::Segment &spec_segment() const { return file.segments.back(); }
};
Attached read_output(const std::string &path) {
    Attached a{elf::read(path)};
    const elf::Segment &data = a.file.segments.at(1);
    EXPECT_EQ(data.virtual_address, data_vaddr);
    std::memcpy(&a.location, data.data.data() + location_offset, sizeof a.location);
    return a;
}

std::vector<std::uint8_t> inflate(const std::byte *data, std::size_t size, std::size_t out_size) {
    std::vector<std::uint8_t> out(out_size);
    uLongf length = out_size;
    EXPECT_EQ(uncompress(out.data(), &length, reinterpret_cast<const Bytef *>(data), size), Z_OK);
    EXPECT_EQ(length, out_size);
    return out;
}

} // namespace

TEST_F(AddSpec, AttachesTheSpecAndEmbedsWholePages) {
    const capdl::Spec spec = valid_spec();
    const capdl_tool::AddSpecReport report = capdl_tool::add_spec(options(spec));
    ASSERT_TRUE(fs::exists(output()));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "out"), fs::directory_iterator()), 1); // no temporary left

    const Attached a = read_output(output());
    ASSERT_EQ(a.file.segments.size(), 4u); // text, data, the embedded frames, the spec
    EXPECT_EQ(std::memcmp(a.location.magic, binary::magic, sizeof binary::magic), 0);
    EXPECT_EQ(a.location.image_start, text_vaddr);
    // The initializer's own segments as they were, but for the location variable.
    const elf::File before = elf::read(path("initializer.elf"));
    EXPECT_EQ(a.file.entry, before.entry);
    EXPECT_EQ(a.file.segments[0].data, before.segments[0].data);
    std::vector<std::uint8_t> data_segment = a.file.segments[1].data;
    std::memcpy(data_segment.data() + location_offset, unpatched, sizeof unpatched);
    std::memset(data_segment.data() + location_offset + sizeof unpatched, 0, sizeof(binary::Location) - sizeof unpatched);
    EXPECT_EQ(data_segment, before.segments[1].data);
    EXPECT_EQ(a.file.segments[1].memory_size, 2 * page);
    const elf::Segment &frames = a.file.segments[2];
    EXPECT_EQ(frames.virtual_address, data_vaddr + 2 * page); // after the image, page-aligned
    EXPECT_EQ(a.location.frames_vaddr, frames.virtual_address);
    EXPECT_EQ(a.location.frames_count, 3u);
    EXPECT_EQ(frames.data.size(), 3 * page);
    EXPECT_EQ(a.location.spec_vaddr, a.spec_segment().virtual_address);
    EXPECT_EQ(a.location.spec_vaddr, frames.virtual_address + frames.data.size());
    EXPECT_EQ(a.location.spec_size, a.spec_segment().data.size());
    EXPECT_EQ(a.spec_segment().flags, 4u); // read-only
    EXPECT_EQ(report.objects, spec.objects.size());
    EXPECT_EQ(report.embedded_frames, 3u);
    EXPECT_EQ(report.spec_bytes, a.spec_segment().data.size());
    EXPECT_EQ(report.fill_bytes, 0u);
    EXPECT_EQ(report.root_cnode_slots, 4096u);

    const View view(reinterpret_cast<const std::byte *>(a.spec_segment().data.data()), a.spec_segment().data.size(), {});
    EXPECT_EQ(view.object_count(), spec.objects.size());
    EXPECT_EQ(view.header().embedded_frames, 3u);
    EXPECT_EQ(view.header().log_level, 3u);
    binary::Contents embedded; // as the spec says the frames are
    embedded.embedded_page.resize(spec.objects.size());
    for (ObjectId id = 0; id < spec.objects.size(); ++id) {
        const binary::Object o = view.object(id);
        if (o.flags & binary::object_flag::embedded) embedded.embedded_page[id] = static_cast<std::uint32_t>(view.word(o, 0));
    }
    const binary::SlotNeeds needs = binary::slot_needs(spec, x86_64_kernel(), embedded);
    EXPECT_EQ(view.header().orig_slots, needs.orig_slots);
    EXPECT_EQ(view.header().copy_slots, needs.copy_slots);
    // Each embedded frame's page holds its fill, zero around it.
    const auto page_of = [&](std::string_view name) {
        const binary::Object o = find(view, name);
        EXPECT_TRUE(o.flags & binary::object_flag::embedded) << name;
        EXPECT_EQ(o.count, 0u) << name;
        const std::uint64_t n = view.word(o, 0);
        EXPECT_LT(n, 3u);
        return std::vector<std::uint8_t>(frames.data.begin() + static_cast<std::ptrdiff_t>(n * page),
                                         frames.data.begin() + static_cast<std::ptrdiff_t>((n + 1) * page));
    };
    EXPECT_EQ(page_of("code"), std::vector<std::uint8_t>(app_.begin(), app_.begin() + page));
    std::vector<std::uint8_t> data(page, 0);
    std::copy(app_.begin() + page, app_.begin() + page + 100, data.begin() + 16);
    EXPECT_EQ(page_of("data"), data);
    EXPECT_EQ(page_of("text"), pattern_);
    // The frames that are not filled stay out of the segment.
    EXPECT_FALSE(find(view, "app_ipc_buffer").flags & binary::object_flag::embedded);
}

TEST_F(AddSpec, WithoutEmbeddingTheFillsGoIntoTheSpecDeflatedWhereThatIsSmaller) {
    const capdl::Spec spec = valid_spec();
    AddSpecOptions o = options(spec);
    o.embed_frames = false;
    const capdl_tool::AddSpecReport report = capdl_tool::add_spec(o);
    const Attached a = read_output(output());
    ASSERT_EQ(a.file.segments.size(), 3u); // no frame segment
    EXPECT_EQ(a.location.frames_vaddr, 0u);
    EXPECT_EQ(a.location.frames_count, 0u);
    EXPECT_EQ(a.location.spec_vaddr, data_vaddr + 2 * page);
    EXPECT_EQ(a.location.spec_vaddr, a.spec_segment().virtual_address);
    EXPECT_EQ(report.embedded_frames, 0u);
    EXPECT_EQ(report.raw_fill_bytes, 2 * page + 100);

    const View view(reinterpret_cast<const std::byte *>(a.spec_segment().data.data()), a.spec_segment().data.size(), {});
    EXPECT_EQ(view.header().embedded_frames, 0u);
    const auto fill_of = [&](std::string_view name) {
        const binary::Object o = find(view, name);
        EXPECT_FALSE(o.flags & binary::object_flag::embedded);
        EXPECT_EQ(o.count, 1u);
        return view.fill(o, 0);
    };
    // The random bytes do not shrink: stored as they are.
    for (const char *name : {"code", "data"}) {
        const binary::Fill f = fill_of(name);
        EXPECT_EQ(f.kind, binary::fill_kind::bytes) << name;
        EXPECT_EQ(f.data_size, f.end - f.begin) << name;
        const std::size_t from = name == std::string_view("code") ? 0 : page;
        EXPECT_EQ(std::memcmp(view.bytes(f.data, f.data_size), app_.data() + from, f.data_size), 0) << name;
    }
    // The pattern does, and inflates back.
    const binary::Fill f = fill_of("text");
    EXPECT_EQ(f.kind, binary::fill_kind::deflated);
    EXPECT_LT(f.data_size, page / 10);
    EXPECT_EQ(inflate(view.bytes(f.data, f.data_size), f.data_size, page), pattern_);
    EXPECT_EQ(report.fill_bytes, page + 100 + f.data_size);
    EXPECT_LT(report.fill_bytes, report.raw_fill_bytes);

    // --no-deflate: every fill as it is.
    fs::remove(output());
    o.deflate = false;
    const capdl_tool::AddSpecReport raw = capdl_tool::add_spec(o);
    EXPECT_EQ(raw.fill_bytes, raw.raw_fill_bytes);
    const Attached b = read_output(output());
    const View raw_view(reinterpret_cast<const std::byte *>(b.spec_segment().data.data()), b.spec_segment().data.size(), {});
    const binary::Fill stored = raw_view.fill(find(raw_view, "text"), 0);
    EXPECT_EQ(stored.kind, binary::fill_kind::bytes);
    EXPECT_EQ(std::memcmp(raw_view.bytes(stored.data, stored.data_size), pattern_.data(), page), 0);
    EXPECT_GT(b.spec_segment().data.size(), a.spec_segment().data.size());
}

TEST_F(AddSpec, ObjectNamesAndLogLevel) {
    const capdl::Spec spec = valid_spec();
    AddSpecOptions o = options(spec);
    o.names = binary::Names::tcbs;
    o.log_level = 5;
    capdl_tool::add_spec(o);
    const Attached a = read_output(output());
    const View view(reinterpret_cast<const std::byte *>(a.spec_segment().data.data()), a.spec_segment().data.size(), {});
    EXPECT_EQ(view.header().log_level, 5u);
    for (ObjectId id = 0; id < view.object_count(); ++id) {
        const binary::Object obj = view.object(id);
        if (obj.kind == capdl::kind_index<capdl::object::Tcb>) {
            EXPECT_EQ(view.string(obj.name), "app_tcb");
        } else {
            EXPECT_EQ(obj.name, binary::none) << "object " << id;
        }
    }
}

TEST_F(AddSpec, RefusesMissingAndOutOfRangeFillData) {
    capdl::Spec spec = valid_spec();
    ObjectId code = 0, data = 0;
    for (ObjectId id = 0; id < spec.objects.size(); ++id) {
        if (spec.objects[id].name == "code") code = id;
        if (spec.objects[id].name == "data") data = id;
    }
    const std::string code_name = "object " + std::to_string(code) + " 'code'";
    const std::string data_name = "object " + std::to_string(data) + " 'data'";
    auto with_file = [&](ObjectId id, capdl::object::FileData file) {
        capdl::Spec changed = spec;
        std::get<capdl::object::Frame>(changed.objects[id].object).init[0].content = std::move(file);
        return changed;
    };
    for (const bool embed : {true, false}) {
        SCOPED_TRACE(embed ? "embedding" : "not embedding");
        AddSpecOptions o = options(with_file(code, {"missing.bin", 0}));
        o.embed_frames = embed;
        EXPECT_EQ(refusal(o), path("spec.json") + ": " + code_name + ": fill entry 0: " + path("fill") +
                                  "/missing.bin: cannot open: No such file or directory");

        o = options(with_file(code, {"app.bin", 8000}));
        o.embed_frames = embed;
        EXPECT_EQ(refusal(o), path("spec.json") + ": " + code_name + ": fill entry 0: needs bytes 8000..12096 of " +
                                  path("fill") + "/app.bin, which has 8192");

        o = options(with_file(data, {"app.bin", 8092})); // 100 bytes: up to the end is fine, one more is not
        o.embed_frames = embed;
        EXPECT_NO_THROW(capdl_tool::add_spec(o));
        fs::remove(output());
        o = options(with_file(data, {"app.bin", 8093}));
        o.embed_frames = embed;
        EXPECT_EQ(refusal(o), path("spec.json") + ": " + data_name + ": fill entry 0: needs bytes 8093..8193 of " +
                                  path("fill") + "/app.bin, which has 8192");
        o = options(with_file(data, {"app.bin", ~std::uint64_t{0}}));
        o.embed_frames = embed;
        EXPECT_EQ(refusal(o), path("spec.json") + ": " + data_name +
                                  ": fill entry 0: needs bytes 18446744073709551615..18446744073709551615+100 of " +
                                  path("fill") + "/app.bin, which has 8192");

        for (const std::string name : {"../fill/app.bin", "..", "/etc/passwd", ""}) {
            o = options(with_file(data, {name, 0}));
            o.embed_frames = embed;
            EXPECT_EQ(refusal(o), path("spec.json") + ": " + data_name + ": fill entry 0: the fill file name '" + name +
                                      "' is not a plain name within the fill directory");
        }
    }
}

TEST_F(AddSpec, RefusesSpecsTheValidatorRejects) {
    capdl::Spec spec = valid_spec();
    spec.objects.push_back({"odd", capdl::object::Frame{13, std::nullopt, {}}});
    const std::string odd = "object " + std::to_string(spec.objects.size() - 1) + " 'odd'";
    EXPECT_EQ(refusal(options(spec)),
              path("spec.json") + ": 1 problem (sel4-capdl check lists them too):\n  " + odd +
                  ": a frame of 2^13 bytes, which x86_64 does not have (its frames are 2^12, 2^21, 2^30)");

    // Two problems, each listed.
    capdl::Spec two = valid_spec();
    const std::string count = std::to_string(two.objects.size());
    two.irqs.push_back({5, 0});
    two.asid_slots.push_back(static_cast<ObjectId>(two.objects.size()));
    EXPECT_EQ(refusal(options(two)), path("spec.json") + ": 2 problems (sel4-capdl check lists them too):\n  irq 5: handler "
                                         "object 0 'app_tcb' is a Tcb, not an IRQ object\n  asid slot 0: refers to object " +
                                         count + ", but the spec has " + count + " objects");

    // Not JSON at all.
    AddSpecOptions o = options(spec);
    write_text(o.spec, "{\"objects\": [");
    EXPECT_TRUE(refusal(o).starts_with(o.spec + ": not JSON: "));
    o.spec = path("none.json");
    EXPECT_EQ(refusal(o), o.spec + ": cannot open: No such file or directory");
}

TEST_F(AddSpec, RefusesAKernelOfAnotherArchAndAnInitializerWithoutTheSymbol) {
    const capdl::Spec spec = valid_spec();
    AddSpecOptions o = options(spec);
    write_text(path("aarch64-config.json"),
               R"({"SEL4_ARCH": "aarch64", "KERNEL_MCS": false, "ARM_HYPERVISOR_SUPPORT": false, "ROOT_CNODE_SIZE_BITS": "12",
                   "MAX_NUM_BOOTINFO_UNTYPED_CAPS": "230", "MAX_NUM_NODES": "1", "NUM_DOMAINS": "1"})");
    o.kernel_config = path("aarch64-config.json");
    EXPECT_EQ(refusal(o), o.initializer + ": built for x86_64, but the kernel is configured for aarch64");

    o = options(spec);
    write_file(path("stripped.elf"), initializer_elf(false));
    o.initializer = path("stripped.elf");
    EXPECT_EQ(refusal(o), o.initializer + ": has no symbol sel4_capdl_spec_location: not a CapDL initializer (or stripped)");

    // The symbol in the data segment's memory but beyond its file bytes (.bss).
    write_file(path("bss.elf"), initializer_elf(true, data_vaddr + page));
    o.initializer = path("bss.elf");
    EXPECT_EQ(refusal(o), o.initializer + ": sel4_capdl_spec_location is not in a segment's file bytes");

    write_text(path("not.elf"), "not an ELF file");
    o.initializer = path("not.elf");
    EXPECT_EQ(refusal(o), o.initializer + ": not an ELF file");
    o.initializer = path("none.elf");
    EXPECT_EQ(refusal(o), o.initializer + ": cannot open: No such file or directory");
}

// Without --kernel-config, the configuration the initializer holds (the one it was built for).
TEST_F(AddSpec, UsesTheKernelConfigurationTheInitializerHolds) {
    std::ifstream in(x86_64_config);
    std::stringstream config;
    config << in.rdbuf();
    write_file(path("with-config.elf"), initializer_elf(true, data_vaddr + location_offset, config.str()));
    AddSpecOptions o = options(valid_spec());
    o.initializer = path("with-config.elf");
    o.kernel_config.clear();
    EXPECT_NO_THROW(capdl_tool::add_spec(o));
    EXPECT_TRUE(fs::exists(output()));
    fs::remove(output());

    // Its root CNode is the one checked: the small one refuses the system that fits the other.
    std::ifstream small_in(small_cnode_config);
    std::stringstream small;
    small << small_in.rdbuf();
    capdl::Spec many;
    for (int n = 0; n < 100; ++n) many.objects.push_back({"endpoint_" + std::to_string(n), capdl::object::Endpoint{}});
    many.root_objects = {0, 100};
    write_file(path("with-small-config.elf"), initializer_elf(true, data_vaddr + location_offset, small.str()));
    o = options(many);
    o.initializer = path("with-small-config.elf");
    o.kernel_config.clear();
    EXPECT_TRUE(refusal(o).find("the system does not fit the kernel's root CNode of 2^7 = 128 slots") != std::string::npos)
        << refusal(o);

    o = options(valid_spec());
    o.kernel_config.clear(); // the plain stand-in holds none
    EXPECT_EQ(refusal(o), o.initializer + ": holds no kernel configuration (symbols sel4_capdl_kernel_config, "
                                          "sel4_capdl_kernel_config_end): give the kernel's gen_config.json with --kernel-config");
}

// 100 endpoints and a root CNode of 2^7 slots: the image's 4 frames (text, data and its .bss
// page, the spec's page), the kernel's 16 initial caps, 3 paging structures, 1 extra
// BootInfo frame and 64 untypeds, and the spec's 100 objects and 4 more do not fit in 128.
TEST_F(AddSpec, RefusesASystemThatDoesNotFitTheRootCNode) {
    capdl::Spec spec;
    for (int i = 0; i < 100; ++i) spec.objects.push_back({"e" + std::to_string(i), capdl::object::Endpoint{}});
    spec.root_objects = {0, 100};
    AddSpecOptions o = options(spec);
    o.kernel_config = small_cnode_config;
    EXPECT_EQ(refusal(o), path("spec.json") +
                              ": the system does not fit the kernel's root CNode of 2^7 = 128 slots: the initializer's "
                              "image takes 4 frames (with 0 embedded), the kernel 84 more slots, and the spec 104 (100 "
                              "objects, 0 frame copies, 4 for the initializer): raise KernelRootCNodeSizeBits "
                              "(ROOT_CNODE_SIZE_BITS) or embed fewer frames (--no-embed-frames)");
    // 36 objects fill it exactly (88 + 36 + 4 = 128), 37 are one too many.
    spec.objects.resize(36);
    spec.root_objects = {0, 36};
    o = options(spec);
    o.kernel_config = small_cnode_config;
    const capdl_tool::AddSpecReport fits = capdl_tool::add_spec(o);
    EXPECT_EQ(fits.root_cnode_used, 128u);
    EXPECT_EQ(fits.root_cnode_slots, 128u);
    fs::remove(output());
    spec.objects.resize(37);
    spec.objects[36] = {"e36", capdl::object::Endpoint{}};
    spec.root_objects = {0, 37};
    o = options(spec);
    o.kernel_config = small_cnode_config;
    EXPECT_TRUE(
        refusal(o).starts_with(path("spec.json") + ": the system does not fit the kernel's root CNode of 2^7 = 128 slots"));
}

TEST_F(AddSpec, RefusesAnOutputItCannotWrite) {
    AddSpecOptions o = options(valid_spec());
    o.output = path("out/no-such-dir/initializer.elf");
    EXPECT_EQ(refusal(o), o.output + ": cannot write: No such file or directory");
    // A directory in the way: the temporary file is written, cannot replace it, and is removed.
    fs::create_directory(path("out/taken"));
    o.output = path("out/taken");
    std::string message;
    try {
        capdl_tool::add_spec(o);
    } catch (const AddSpecError &error) {
        message = error.what();
    }
    EXPECT_EQ(message, o.output + ": cannot rename into place: Is a directory");
    EXPECT_TRUE(fs::is_directory(o.output));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "out"), fs::directory_iterator()), 1);
}

// Mutated specs: each is attached (the output written) or refused with an AddSpecError (no
// output); never another exception, never a fault.
TEST_F(AddSpec, MutatedSpecsAreAttachedOrRefused) {
    const std::string base = capdl::write_json(valid_spec());
    const std::string tokens[] = {"{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "-1", "0", "1e400",
                                  "18446744073709551616", "\"Endpoint\"", "\"CNode\"", "{\"Frame\":{}}", "\\u0000",
                                  "\"../app.bin\"", "\"pattern.bin\"", "\"app.bin\"", "{\"start\":0,\"end\":4096}"};
    const std::string numbers[] = {"-1", "0", "1", "4095", "4096", "4097", "8192", "65535", "2147483647", "4294967295",
                                   "4294967296", "9223372036854775807", "18446744073709551615", "18446744073709551616",
                                   "-9223372036854775808", "1e30", "0.5", "99999999999999999999999"};
    // A failing spec is kept for its investigation, outside the test's directory.
    const auto keep = [](const std::string &text) {
        const std::string kept = (fs::temp_directory_path() / "capdl-tool-failing-spec.json").string();
        write_text(kept, text);
        return kept;
    };
    // What refused a spec: the reader (JSON, its shapes), the validator, the fill files, the rest.
    std::map<std::string, int> reasons;
    const auto reason = [&](std::string message) -> std::string {
        message = message.substr(message.find(": ") + 2);
        if (message.find("problem") != std::string::npos && message.find("(sel4-capdl check") != std::string::npos)
            return "the validator";
        if (message.find("fill") != std::string::npos) return "the fill data";
        if (message.find("does not fit") != std::string::npos) return "the root CNode check";
        return "the JSON reader";
    };
    std::mt19937_64 random(5);
    const auto start = std::chrono::steady_clock::now();
    constexpr int iterations = 20000;
    int attached = 0, refused = 0;
    for (int i = 0; i < iterations; ++i) {
        std::string text = base;
        // Half of the specs keep their JSON syntax (numbers and strings changed), so that more
        // of them get past the reader to the validator, the fill files and the writer.
        const bool keep_syntax = random() % 2 == 0;
        for (int mutations = 1 + static_cast<int>(random() % 3); mutations > 0; --mutations) {
            const std::size_t at = random() % text.size();
            const std::uint64_t kinds[] = {3, 4, 6};
            switch (keep_syntax ? kinds[random() % 3] : random() % 7) {
            case 0: // a byte
                text[at] = static_cast<char>(random());
                break;
            case 1: // bytes deleted
                text.erase(at, 1 + random() % 8);
                break;
            case 2: // a token inserted
                text.insert(at, tokens[random() % std::size(tokens)]);
                break;
            case 3:   // a number replaced: huge, negative, fractional
            case 4: { // or by a small one: object ids out of range, slots, sizes
                const std::size_t digit = text.find_first_of("0123456789", at);
                if (digit == std::string::npos) break;
                std::size_t end = text.find_first_not_of("0123456789", digit);
                if (end == std::string::npos) end = text.size();
                const std::string value =
                    random() % 7 < 4 ? numbers[random() % std::size(numbers)] : std::to_string(random() % 40);
                text.replace(digit, end - digit, value);
                break;
            }
            case 5: // truncated
                text.resize(at);
                break;
            default: { // a field's string value swapped with another's
                const std::size_t quote = text.find(":\"", at);
                if (quote == std::string::npos) break;
                const std::size_t close = text.find('"', quote + 2);
                if (close == std::string::npos) break;
                const std::string values[] = {"Frame", "CNode", "Endpoint", "PageTable", "Tcb", "Untyped", "x", "", "app.bin"};
                text.replace(quote + 2, close - quote - 2, values[random() % std::size(values)]);
                break;
            }
            }
            if (text.empty()) text = "{";
        }
        write_text(path("spec.json"), text);
        AddSpecOptions o{path("initializer.elf"), path("spec.json"), path("fill"), x86_64_config, output()};
        o.embed_frames = random() % 4 != 0;
        o.deflate = random() % 4 != 0;
        try {
            capdl_tool::add_spec(o);
            ++attached;
            // The spec it attached opens, each object's caps and fills within their tables.
            const elf::File out = elf::read(o.output);
            const View view(reinterpret_cast<const std::byte *>(out.segments.back().data.data()),
                            out.segments.back().data.size(), {});
            for (ObjectId id = 0; id < view.object_count(); ++id) {
                const binary::Object obj = view.object(id);
                view.string(obj.name);
                if (obj.count > 0 && obj.kind == capdl::kind_index<capdl::object::Frame>) {
                    view.fill(obj, obj.count - 1);
                } else if (obj.count > 0) {
                    view.cap(obj, obj.count - 1);
                }
            }
            fs::remove(o.output);
        } catch (const AddSpecError &error) {
            ++refused;
            ++reasons[reason(error.what())];
            if (fs::exists(o.output) || !fs::is_empty(dir_ / "out")) {
                FAIL() << "iteration " << i << ": an output file after a refusal (the spec: " << keep(text) << ")";
            }
        } catch (const std::exception &error) {
            FAIL() << "iteration " << i << ": " << typeid(error).name() << ": " << error.what() << " (the spec: " << keep(text)
                   << ")";
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%d mutated specs in %.1f s: %d attached, %d refused:", iterations, seconds, attached, refused);
    for (const auto &[what, count] : reasons) std::printf(" %d by %s", count, what.c_str());
    std::printf("\n");
    EXPECT_GT(attached, 1000);
    EXPECT_GT(refused, 10000);
}
