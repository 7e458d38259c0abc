#include "add_spec.hpp"

#include <elf_file.hpp>
#include <kernel_config.hpp>
#include <root_cnode.hpp>
#include <sel4/capdl/json.hpp>
#include <sel4/capdl/validate.hpp>

#include <zlib.h>

#include <cstring>
#include <map>

namespace capdl_tool {

namespace {

namespace capdl = sel4::capdl;
namespace binary = sel4::capdl::binary;
constexpr std::uint64_t page = 4096;
constexpr std::uint32_t pf_r = 4;

std::string describe(const capdl::Spec &spec, capdl::ObjectId id) {
    const capdl::NamedObject &o = spec.objects[id];
    return "object " + std::to_string(id) + (o.name ? " '" + *o.name + "'" : std::string());
}

std::vector<std::uint8_t> read_bytes(const std::string &path) {
    try {
        return elf::read_file(path);
    } catch (const std::exception &error) {
        throw AddSpecError(error.what());
    }
}

// The fill files, each read once.
class FillFiles {
public:
    explicit FillFiles(std::string dir) : dir_(std::move(dir)) {}

    // `size` bytes of `file` from `offset`.
    std::vector<std::uint8_t> bytes(const std::string &where, const capdl::object::FileData &data, std::uint64_t size) {
        if (data.file.empty() || data.file.find("..") != std::string::npos || data.file.front() == '/')
            throw AddSpecError(where + ": the fill file name '" + data.file + "' is not a plain name within the fill directory");
        auto [it, added] = files_.try_emplace(data.file);
        if (added) {
            try {
                it->second = read_bytes(dir_ + "/" + data.file);
            } catch (const AddSpecError &error) {
                files_.erase(it);
                throw AddSpecError(where + ": " + error.what());
            }
        }
        const std::vector<std::uint8_t> &file = it->second;
        if (data.file_offset > file.size() || size > file.size() - data.file_offset) {
            // The end as a sum where it does not fit in 64 bits.
            const std::string end = size > ~std::uint64_t{0} - data.file_offset
                                        ? std::to_string(data.file_offset) + "+" + std::to_string(size)
                                        : std::to_string(data.file_offset + size);
            throw AddSpecError(where + ": needs bytes " + std::to_string(data.file_offset) + ".." + end + " of " + dir_ +
                               "/" + data.file + ", which has " + std::to_string(file.size()));
        }
        return {file.begin() + static_cast<std::ptrdiff_t>(data.file_offset),
                file.begin() + static_cast<std::ptrdiff_t>(data.file_offset + size)};
    }

private:
    std::string dir_;
    std::map<std::string, std::vector<std::uint8_t>> files_;
};

std::vector<std::uint8_t> deflate(const std::vector<std::uint8_t> &raw) {
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    std::vector<std::uint8_t> out(size);
    if (compress2(out.data(), &size, raw.data(), static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) != Z_OK)
        throw std::runtime_error("zlib's compress2 failed");
    out.resize(size);
    return out;
}

// Whether a frame goes into the initializer's frame segment: a root object of one page with
// no physical address, filled from files only.
bool embeddable(const capdl::Spec &spec, capdl::ObjectId id, const capdl::object::Frame &frame) {
    if (id < spec.root_objects.start || id >= spec.root_objects.end) return false;
    if (frame.paddr || frame.size_bits != 12 || frame.init.empty()) return false;
    for (const capdl::object::FillEntry &e : frame.init)
        if (!std::holds_alternative<capdl::object::FileData>(e.content)) return false;
    return true;
}

std::uint64_t align_up(std::uint64_t v, std::uint64_t a) { return (v + a - 1) / a * a; }

// The gen_config.json that the initializer was built with (binary::kernel_config_symbol).
std::string embedded_kernel_config(const elf::File &initializer, const std::string &name) {
    const std::optional<std::uint64_t> start = initializer.symbol(binary::kernel_config_symbol),
                                       end = initializer.symbol(binary::kernel_config_end_symbol);
    if (!start || !end || *end < *start)
        throw AddSpecError(name + ": holds no kernel configuration (symbols " + binary::kernel_config_symbol + ", " +
                           binary::kernel_config_end_symbol + "): give the kernel's gen_config.json with --kernel-config");
    for (const elf::Segment &segment : initializer.segments) {
        if (*start < segment.virtual_address || *end > segment.virtual_address + segment.data.size()) continue;
        const auto *bytes = reinterpret_cast<const char *>(segment.data.data() + (*start - segment.virtual_address));
        return {bytes, static_cast<std::size_t>(*end - *start)};
    }
    throw AddSpecError(name + ": its kernel configuration is not in a segment's file bytes");
}

} // namespace

AddSpecReport add_spec(const AddSpecOptions &options) {
    // The inputs: the kernel's configuration from its file, or the one the initializer holds.
    const std::vector<std::uint8_t> spec_text = read_bytes(options.spec);
    capdl::Spec spec;
    capdl::KernelConfig kernel;
    image_tool::KernelConfig image_kernel;
    elf::File initializer;
    const bool config_given = !options.kernel_config.empty();
    std::string config_text, config_name = options.kernel_config;
    if (config_given) {
        const std::vector<std::uint8_t> bytes = read_bytes(options.kernel_config);
        config_text.assign(bytes.begin(), bytes.end());
    }
    try {
        spec = capdl::read_json({reinterpret_cast<const char *>(spec_text.data()), spec_text.size()}, options.spec);
        if (config_given) kernel = capdl::read_kernel_config(config_text, config_name);
        initializer = elf::read(options.initializer);
        if (!config_given) {
            config_name = options.initializer + "'s kernel configuration";
            config_text = embedded_kernel_config(initializer, options.initializer);
            kernel = capdl::read_kernel_config(config_text, config_name);
        }
        image_kernel = image_tool::parse_kernel_config(config_text, config_name);
        image_tool::check_machines(image_kernel, {&initializer});
    } catch (const capdl::SpecError &error) {
        throw AddSpecError(error.what());
    } catch (const std::exception &error) { // elf::Error, image_tool::LayoutError
        throw AddSpecError(error.what());
    }
    const std::vector<std::string> problems = capdl::validate(spec, &kernel);
    if (!problems.empty()) {
        std::string text = options.spec + ": " + std::to_string(problems.size()) + " problem" +
                           (problems.size() == 1 ? "" : "s") + " (sel4-capdl check lists them too):";
        for (const std::string &p : problems) text += "\n  " + p;
        throw AddSpecError(text);
    }
    const std::optional<std::uint64_t> location_vaddr = initializer.symbol(binary::location_symbol);
    if (!location_vaddr)
        throw AddSpecError(options.initializer + ": has no symbol " + binary::location_symbol +
                           ": not a CapDL initializer (or stripped)");

    // The frames' contents.
    AddSpecReport report;
    report.objects = spec.objects.size();
    binary::Contents contents;
    contents.embedded_page.resize(spec.objects.size());
    contents.fill_data.resize(spec.objects.size());
    std::vector<std::uint8_t> frames;
    FillFiles files(options.fill_dir);
    for (capdl::ObjectId id = 0; id < spec.objects.size(); ++id) {
        const auto *frame = std::get_if<capdl::object::Frame>(&spec.objects[id].object);
        if (frame == nullptr) continue;
        const bool embed = options.embed_frames && embeddable(spec, id, *frame);
        const std::size_t page_start = frames.size();
        if (embed) {
            contents.embedded_page[id] = static_cast<std::uint32_t>(page_start / page);
            frames.resize(page_start + page);
        }
        for (std::size_t n = 0; n < frame->init.size(); ++n) {
            const capdl::object::FillEntry &e = frame->init[n];
            const auto *data = std::get_if<capdl::object::FileData>(&e.content);
            if (data == nullptr) continue;
            const std::string where = options.spec + ": " + describe(spec, id) + ": fill entry " + std::to_string(n);
            std::vector<std::uint8_t> bytes = files.bytes(where, *data, e.range.end - e.range.start);
            if (embed) {
                std::memcpy(frames.data() + page_start + e.range.start, bytes.data(), bytes.size());
                continue;
            }
            report.raw_fill_bytes += bytes.size();
            binary::FillData fill{std::move(bytes), false};
            if (options.deflate) {
                std::vector<std::uint8_t> deflated = deflate(fill.bytes);
                if (deflated.size() < fill.bytes.size()) fill = {std::move(deflated), true};
            }
            report.fill_bytes += fill.bytes.size();
            contents.fill_data[id].push_back(std::move(fill));
        }
    }
    report.embedded_frames = frames.size() / page;

    // The spec, and the two segments after the initializer's image.
    const binary::WriteOptions write_options{options.names, options.log_level};
    const std::vector<std::uint8_t> serialized = binary::write(spec, kernel, contents, write_options);
    report.spec_bytes = serialized.size();
    report.minimum_system_calls = binary::minimum_system_calls(spec, kernel, contents);
    image_tool::Range image = image_tool::user_image(initializer);
    binary::Location location{};
    std::memcpy(location.magic, binary::magic, sizeof location.magic);
    location.image_start = image.start;
    std::uint64_t next = image.end;
    if (!frames.empty()) {
        location.frames_vaddr = next;
        location.frames_count = frames.size() / page;
        initializer.segments.push_back({next, next, frames.size(), pf_r, frames});
        next += frames.size();
    }
    location.spec_vaddr = next;
    location.spec_size = serialized.size();
    initializer.segments.push_back({next, next, serialized.size(), pf_r, serialized});
    next = align_up(next + serialized.size(), page);

    // The location variable, in the segment whose file bytes hold it.
    bool patched = false;
    for (elf::Segment &segment : initializer.segments) {
        if (*location_vaddr < segment.virtual_address ||
            *location_vaddr + sizeof location > segment.virtual_address + segment.data.size())
            continue;
        std::memcpy(segment.data.data() + (*location_vaddr - segment.virtual_address), &location, sizeof location);
        patched = true;
        break;
    }
    if (!patched)
        throw AddSpecError(options.initializer + ": " + binary::location_symbol + " is not in a segment's file bytes");

    // The root CNode: the initializer's image with the new segments, and the slots it takes
    // for the spec's objects, frame copies, a temporary and its scratch page tables.
    const image_tool::RootCNodeSlots slots = image_tool::root_cnode_slots(image_kernel, {image.start, next}, 0);
    const binary::SlotNeeds needs = binary::slot_needs(spec, kernel, contents);
    const std::uint64_t scratch_tables = 3;
    const std::uint64_t needed = std::uint64_t{needs.orig_slots} + needs.copy_slots + 1 + scratch_tables;
    report.root_cnode_slots = slots.slots;
    report.root_cnode_used = slots.used() + needed;
    if (report.root_cnode_used > slots.slots) {
        throw AddSpecError(options.spec + ": the system does not fit the kernel's root CNode of 2^" +
                           std::to_string(image_kernel.root_cnode_size_bits) + " = " + std::to_string(slots.slots) +
                           " slots: the initializer's image takes " + std::to_string(slots.image_frames) +
                           " frames (with " + std::to_string(report.embedded_frames) + " embedded), the kernel " +
                           std::to_string(slots.used() - slots.image_frames) + " more slots, and the spec " +
                           std::to_string(needed) + " (" + std::to_string(needs.orig_slots) + " objects, " +
                           std::to_string(needs.copy_slots) + " frame copies, " + std::to_string(1 + scratch_tables) +
                           " for the initializer): raise KernelRootCNodeSizeBits (ROOT_CNODE_SIZE_BITS) or embed fewer "
                           "frames (--no-embed-frames)");
    }

    try {
        elf::write_file_atomically(options.output, elf::serialize(initializer));
    } catch (const std::exception &error) {
        throw AddSpecError(error.what());
    }
    return report;
}

} // namespace capdl_tool
