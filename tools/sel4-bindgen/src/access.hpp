// How one field is read and written, in the terms of libsel4's generated C accessors.
#pragma once

#include "pbf.hpp"

#include <cstdint>
#include <string>

namespace sel4_bindgen {

struct Access {
    unsigned word = 0;            // index into the words
    std::uint64_t mask = 0;       // the field's bits within that word
    unsigned shift = 0;           // how far the value moves between the word and the caller
    bool store_left = true;       // stored as `value << shift` (else `value >> shift`)
    std::uint64_t value_mask = 0; // the bits of a caller's value that are stored
    std::uint64_t sign_bits = 0;  // OR'ed into a read value whose bit canonical_bits - 1 is set
};

inline std::uint64_t low_ones(unsigned count) { return count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1; }

// A plain field stores the value's low `size` bits. A field_high stores bits
// [canonical_bits - size, canonical_bits) of the value, so it moves by
// canonical_bits - size - (offset within the word), in whichever direction that points.
inline Access access_of(const pbf::Field &field, const pbf::Base &base) {
    Access access;
    const unsigned within = field.offset % base.bits;
    access.word = field.offset / base.bits;
    access.mask = low_ones(field.size) << within;
    if (!field.high) {
        access.shift = within;
        access.value_mask = low_ones(field.size);
        return access;
    }
    const int distance = static_cast<int>(base.canonical_bits) - static_cast<int>(field.size) - static_cast<int>(within);
    access.store_left = distance < 0;
    access.shift = static_cast<unsigned>(distance < 0 ? -distance : distance);
    access.value_mask = low_ones(field.size) << (base.canonical_bits - field.size);
    if (base.sign_extend)
        access.sign_bits = low_ones(base.bits) & ~low_ones(base.canonical_bits);
    return access;
}

// A literal of the word type: 0x...ull for 64-bit words, 0x...u for 32-bit words.
inline std::string word_literal(std::uint64_t value, const pbf::Base &base) {
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    do {
        hex.insert(hex.begin(), digits[value & 0xf]);
        value >>= 4;
    } while (value != 0);
    return "0x" + hex + (base.bits == 64 ? "ull" : "u");
}

inline std::string word_type(const pbf::Base &base) { return base.bits == 64 ? "std::uint64_t" : "std::uint32_t"; }

} // namespace sel4_bindgen
