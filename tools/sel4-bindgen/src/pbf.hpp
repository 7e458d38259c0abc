// The seL4 bitfield language (.pbf, the preprocessed form of .bf files that a kernel install
// carries under libsel4/include) and the bit layout it describes.
//
// Layout, as seL4's bitfield generator defines it: a block's fields fill its bits from the
// most significant bit of its last word downwards, in declaration order, so the last field
// ends at bit 0 of word 0. A field never crosses a word boundary. A `field_high` field holds
// the top `size` bits of a canonical_bits-wide value (a pointer whose low bits are zero).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sel4_bindgen::pbf {

// `base 64` or `base 64(48, 1)`: word size, the width of canonical values (pointers) and
// whether field_high getters sign-extend from bit canonical_bits - 1.
struct Base {
    unsigned bits = 0;
    unsigned canonical_bits = 0;
    bool sign_extend = false;
};

struct Field {
    std::string name;
    unsigned offset = 0; // of the field's lowest bit, counted from bit 0 of word 0
    unsigned size = 0;
    bool high = false;
    int line = 0;
};

struct Block {
    std::string name;
    int line = 0;
    Base base;
    unsigned size_bits = 0;
    std::vector<Field> fields;            // declaration order, padding left out
    std::vector<std::string> param_order; // the `_new` parameter order (visible order)

    unsigned words() const { return size_bits / base.bits; }
    const Field *find(const std::string &field_name) const;
};

struct Tag {
    std::string name; // also the name of the block that describes this variant
    std::uint64_t value = 0;
    int line = 0;
};

struct TaggedUnion {
    std::string name;
    std::string tag_field;
    int line = 0;
    Base base;
    std::vector<Tag> tags;
    // Shared by every variant (checked when the file is read).
    unsigned size_bits = 0;
    unsigned tag_offset = 0;
    unsigned tag_size = 0;

    unsigned words() const { return size_bits / base.bits; }
};

struct File {
    std::string path;
    std::vector<Block> blocks; // includes the blocks that describe union variants
    std::vector<TaggedUnion> unions;

    const Block *find_block(const std::string &name) const;
    // True when the block is a variant of some tagged union (it then has no standalone type,
    // as in libsel4).
    bool is_variant(const std::string &block_name) const;
};

// Parses and checks `text`; errors name `path` and the line. Throws InputError.
File parse(const std::string &text, const std::string &path);
File load(const std::string &path);

} // namespace sel4_bindgen::pbf
