// The printf engine and the snprintf family over it.
//
// Conversions: d i u o x X c s p n % and the floating ones f F e E g G a A, with the flags
// "-+ #0", width and precision (also '*'), and the length modifiers hh h l ll j z t L.
// Floating-point output is exact: the value m * 2^e is turned into its full decimal expansion
// in a big number of base-10^9 limbs (m * 2^e, or m * 5^-e with the decimal point moved -e
// places), which is then rounded half-to-even at the requested digit, as glibc does in the
// default rounding mode. The big number lives on the stack: about 350 bytes for a double and
// 5 KiB for a long double (in a separate frame, used only by %L conversions).
//
// Differences from glibc, all outside what the C standard defines: positional arguments
// ("%1$d"), %m and unknown conversions make the call fail with -1; %lc and %ls convert only
// ASCII characters (as glibc does in the "C" locale) and fail with -1 on others.
#include "format.hpp"

#include <climits>
#include <cstdint>
#include <limits>

#include "c_name.hpp"
#include "c_library.hpp"

namespace sel4_runtime::detail {
namespace {

enum Flag : unsigned { left = 1, plus = 2, space = 4, alternate = 8, zero_pad = 16 };
enum class Length { none, hh, h, l, ll, j, z, t, L };

struct Spec {
    unsigned flags = 0;
    int width = 0;
    int precision = -1; // -1: none given
    Length length = Length::none;
    char conversion = 0;
};

void repeat(FormatOutput &out, char c, long count) {
    for (; count > 0; --count)
        out.put(c);
}

void write(FormatOutput &out, const char *s, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        out.put(s[i]);
}

// Width padding around an item of `length` characters. Zero padding goes between the prefix
// (sign, "0x") and the digits, so the caller writes the prefix, then `zeros()`, then the rest.
class Padding {
public:
    Padding(FormatOutput &out, const Spec &spec, long length, bool zeros_allowed)
        : out_(out), fill_(spec.width > length ? spec.width - length : 0),
          zero_(zeros_allowed && (spec.flags & (zero_pad | left)) == zero_pad),
          left_((spec.flags & left) != 0) {
        if (!zero_ && !left_)
            repeat(out_, ' ', fill_);
    }
    void zeros() {
        if (zero_)
            repeat(out_, '0', fill_);
    }
    ~Padding() {
        if (left_)
            repeat(out_, ' ', fill_);
    }

private:
    FormatOutput &out_;
    long fill_;
    bool zero_;
    bool left_;
};

char sign_of(bool negative, unsigned flags) {
    if (negative)
        return '-';
    if (flags & plus)
        return '+';
    if (flags & space)
        return ' ';
    return 0;
}

// d i u o x X p: `magnitude` with a sign character (0 for none) and the "0x" prefix for %#x.
void format_integer(FormatOutput &out, const Spec &spec, std::uintmax_t magnitude, char sign) {
    const char conversion = spec.conversion;
    const unsigned base = conversion == 'o' ? 8 : (conversion == 'x' || conversion == 'X') ? 16 : 10;
    const char *const digit_chars = conversion == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[sizeof(std::uintmax_t) * 3];
    int count = 0;
    for (std::uintmax_t v = magnitude; v != 0; v /= base)
        digits[count++] = digit_chars[v % base];

    // The precision is the minimum number of digits; zero printed with precision 0 has none.
    long zeros = (spec.precision < 0 ? 1 : spec.precision) - count;
    if (zeros < 0)
        zeros = 0;
    if (conversion == 'o' && (spec.flags & alternate) && zeros == 0)
        zeros = 1; // %#o: the first digit is a 0
    const bool hex_prefix = base == 16 && (spec.flags & alternate) && magnitude != 0;
    const long length = (sign != 0) + 2 * hex_prefix + zeros + count;

    Padding padding(out, spec, length, spec.precision < 0);
    if (sign != 0)
        out.put(sign);
    if (hex_prefix) {
        out.put('0');
        out.put(conversion == 'X' ? 'X' : 'x');
    }
    padding.zeros();
    repeat(out, '0', zeros);
    while (count > 0)
        out.put(digits[--count]);
}

void format_string(FormatOutput &out, const Spec &spec, const char *s, std::size_t length) {
    Padding padding(out, spec, static_cast<long>(length), false);
    write(out, s, length);
}

// A finite or infinite floating-point value as negative * mantissa * 2^exponent, with the
// layout facts %a needs: the mantissa's fraction bits below its leading hex digit.
struct Binary {
    bool negative;
    bool infinite;
    bool nan;
    unsigned __int128 mantissa;
    int exponent;
    int fraction_bits; // a multiple of 4
};

Binary decompose(double value) {
    const auto bits = __builtin_bit_cast(std::uint64_t, value);
    const int biased = static_cast<int>(bits >> 52) & 0x7ff;
    const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
    Binary b{};
    b.negative = (bits >> 63) != 0;
    b.infinite = biased == 0x7ff && fraction == 0;
    b.nan = biased == 0x7ff && fraction != 0;
    b.mantissa = biased != 0 ? fraction | (std::uint64_t{1} << 52) : fraction;
    b.exponent = (biased != 0 ? biased : 1) - 1075;
    b.fraction_bits = 52;
    return b;
}

Binary decompose(long double value) {
    constexpr int digits = std::numeric_limits<long double>::digits;
    if constexpr (digits == 53) {
        return decompose(static_cast<double>(value));
    } else {
        // x87 extended (64 mantissa bits with an explicit integer bit) or IEEE binary128 (113
        // with an implicit one), little-endian on every target: mantissa bits, then the 15-bit
        // biased exponent and the sign in the next 16 bits.
        static_assert(digits == 64 || digits == 113);
        unsigned __int128 bits = 0;
        __builtin_memcpy(&bits, &value, digits == 64 ? 10 : 16);
        constexpr int mantissa_field = digits == 64 ? 64 : 112;
        const unsigned __int128 fraction = bits & ((static_cast<unsigned __int128>(1) << mantissa_field) - 1);
        const int biased = static_cast<int>(bits >> mantissa_field) & 0x7fff;
        Binary b{};
        b.negative = ((bits >> (mantissa_field + 15)) & 1) != 0;
        // x87: the integer bit is part of the field; infinity and NaN both have it set.
        const unsigned __int128 payload =
            digits == 64 ? fraction & ((static_cast<unsigned __int128>(1) << 63) - 1) : fraction;
        b.infinite = biased == 0x7fff && payload == 0;
        b.nan = biased == 0x7fff && payload != 0;
        b.mantissa = digits == 64 || biased == 0 ? fraction
                                                 : fraction | (static_cast<unsigned __int128>(1) << 112);
        b.exponent = (biased != 0 ? biased : 1) - 16383 - (digits - 1);
        // glibc prints x87 values with the top four mantissa bits as the leading hex digit.
        b.fraction_bits = digits == 64 ? 60 : 112;
        return b;
    }
}

// The exact decimal expansion of mantissa * 2^exponent: digits d0 d1 d2 ... (d0 nonzero unless
// the value is zero) and the position of the decimal point: value = 0.d0d1d2... * 10^point.
template <typename Float> class Decimal {
    static constexpr std::uint32_t base = 1000000000;
    static constexpr int limb_digits = 9;
    static constexpr long mantissa_digits = std::numeric_limits<Float>::digits;
    // Decimal digits of the largest integer (2^max_exponent) and of the longest fraction
    // (mantissa * 5^(mantissa_digits - min_exponent)), from log10(2) and log10(5).
    static constexpr long integer_digits = std::numeric_limits<Float>::max_exponent * 30103L / 100000;
    static constexpr long fraction_digits =
        (mantissa_digits * 30103L + (mantissa_digits - std::numeric_limits<Float>::min_exponent) * 69898L) /
        100000;
    static constexpr long capacity =
        (integer_digits > fraction_digits ? integer_digits : fraction_digits) / limb_digits + 2;

public:
    Decimal(unsigned __int128 mantissa, int exponent) {
        if (mantissa == 0) {
            limbs_[0] = 0;
            size_ = 1;
            digits_ = 1;
            point_ = 1;
            limit_ = 1;
            return;
        }
        while ((mantissa & 1) == 0 && exponent < 0) { // fewer factors of 5 to apply
            mantissa >>= 1;
            ++exponent;
        }
        limbs_[0] = 0;
        size_ = 1;
        for (int shift = 112; shift >= 0; shift -= 16) {
            multiply(1u << 16);
            add(static_cast<std::uint32_t>(mantissa >> shift) & 0xffff);
        }
        if (exponent >= 0) {
            for (; exponent >= 29; exponent -= 29)
                multiply(1u << 29);
            multiply(1u << exponent);
        } else {
            int fives = -exponent;
            for (; fives >= 13; fives -= 13)
                multiply(1220703125); // 5^13
            std::uint32_t factor = 1;
            while (fives-- > 0)
                factor *= 5;
            multiply(factor);
        }
        count_digits();
        point_ = digits_ + (exponent < 0 ? exponent : 0);
        limit_ = digits_;
    }

    long point() const { return point_; }

    // The i-th digit from the most significant; 0 outside the expansion or after rounding.
    int digit(long i) const {
        if (i < 0 || i >= limit_)
            return 0;
        const long from_bottom = digits_ - 1 - i;
        std::uint32_t limb = limbs_[from_bottom / limb_digits];
        for (long k = from_bottom % limb_digits; k > 0; --k)
            limb /= 10;
        return static_cast<int>(limb % 10);
    }

    // Index of the last nonzero digit, or -1 for zero.
    long last_nonzero() const {
        long i = (limit_ < digits_ ? limit_ : digits_) - 1;
        while (i >= 0 && digit(i) == 0)
            --i;
        return i;
    }

    // Keeps the digits before index `keep`, rounding half to even. Digits from `keep` on read
    // as 0 afterwards; a carry out of the first digit moves the point.
    void round(long keep) {
        if (keep >= limit_)
            return;
        bool up = false;
        if (keep >= 0) {
            const int next = digit(keep);
            if (next != 5) {
                up = next > 5;
            } else {
                bool rest = false;
                for (long i = keep + 1; i < limit_ && !rest; ++i)
                    rest = digit(i) != 0;
                up = rest || (digit(keep - 1) & 1) != 0;
            }
        }
        if (!up) {
            limit_ = keep;
            return;
        }
        if (keep == 0) { // 0.5 < value < 1 of the unit: becomes one unit
            limbs_[0] = 1;
            size_ = 1;
            digits_ = 1;
            ++point_;
            limit_ = 1;
            return;
        }
        // Add one unit at digit keep - 1.
        const long from_bottom = digits_ - keep;
        std::uint32_t unit = 1;
        for (long k = from_bottom % limb_digits; k > 0; --k)
            unit *= 10;
        long i = from_bottom / limb_digits;
        std::uint32_t carry = unit;
        for (; carry != 0 && i < size_; ++i) {
            limbs_[i] += carry;
            carry = limbs_[i] >= base ? 1 : 0;
            if (carry)
                limbs_[i] -= base;
        }
        if (carry)
            limbs_[size_++] = carry;
        const long before = digits_;
        count_digits();
        point_ += digits_ - before;
        limit_ = keep + (digits_ - before);
    }

private:
    void multiply(std::uint32_t factor) {
        std::uint64_t carry = 0;
        for (long i = 0; i < size_; ++i) {
            const std::uint64_t t = std::uint64_t{limbs_[i]} * factor + carry;
            limbs_[i] = static_cast<std::uint32_t>(t % base);
            carry = t / base;
        }
        while (carry != 0) {
            limbs_[size_++] = static_cast<std::uint32_t>(carry % base);
            carry /= base;
        }
    }

    void add(std::uint32_t value) {
        std::uint64_t carry = value;
        for (long i = 0; carry != 0; ++i) {
            if (i == size_)
                limbs_[size_++] = 0;
            const std::uint64_t t = limbs_[i] + carry;
            limbs_[i] = static_cast<std::uint32_t>(t % base);
            carry = t / base;
        }
    }

    void count_digits() {
        while (size_ > 1 && limbs_[size_ - 1] == 0)
            --size_;
        digits_ = (size_ - 1) * limb_digits;
        for (std::uint32_t top = limbs_[size_ - 1]; top != 0; top /= 10)
            ++digits_;
    }

    std::uint32_t limbs_[capacity]; // little-endian, base 10^9
    long size_;
    long digits_;
    long point_;
    long limit_; // digits from here on read as 0
};

void write_exponent(FormatOutput &out, char letter, long exponent, int min_digits) {
    out.put(letter);
    out.put(exponent < 0 ? '-' : '+');
    unsigned long magnitude = exponent < 0 ? -static_cast<unsigned long>(exponent) : exponent;
    char digits[24];
    int count = 0;
    for (; magnitude != 0 || count < min_digits; magnitude /= 10)
        digits[count++] = static_cast<char>('0' + magnitude % 10);
    while (count > 0)
        out.put(digits[--count]);
}

int exponent_length(long exponent, int min_digits) {
    int count = 0;
    for (unsigned long m = exponent < 0 ? -static_cast<unsigned long>(exponent) : exponent; m != 0; m /= 10)
        ++count;
    return 2 + (count > min_digits ? count : min_digits);
}

// %f %e %g, with the digits from `decimal` (already rounded to what is printed).
template <typename Float>
void write_fixed(FormatOutput &out, const Spec &spec, char sign, const Decimal<Float> &decimal, long precision) {
    const long point = decimal.point();
    const bool dot = precision > 0 || (spec.flags & alternate);
    const long length = (sign != 0) + (point > 0 ? point : 1) + (dot ? 1 + precision : 0);
    Padding padding(out, spec, length, true);
    if (sign != 0)
        out.put(sign);
    padding.zeros();
    if (point <= 0)
        out.put('0');
    for (long i = 0; i < point; ++i)
        out.put(static_cast<char>('0' + decimal.digit(i)));
    if (dot)
        out.put('.');
    for (long i = point; i < point + precision; ++i)
        out.put(static_cast<char>('0' + decimal.digit(i)));
}

template <typename Float>
void write_scientific(FormatOutput &out, const Spec &spec, char sign, const Decimal<Float> &decimal,
                      long precision, char letter) {
    const long exponent = decimal.point() - 1;
    const bool dot = precision > 0 || (spec.flags & alternate);
    const long length = (sign != 0) + 1 + (dot ? 1 + precision : 0) + exponent_length(exponent, 2);
    Padding padding(out, spec, length, true);
    if (sign != 0)
        out.put(sign);
    padding.zeros();
    out.put(static_cast<char>('0' + decimal.digit(0)));
    if (dot)
        out.put('.');
    for (long i = 1; i <= precision; ++i)
        out.put(static_cast<char>('0' + decimal.digit(i)));
    write_exponent(out, letter, exponent, 2);
}

template <typename Float> void format_decimal(FormatOutput &out, const Spec &spec, const Binary &b, char sign) {
    const char conversion = spec.conversion | 0x20; // lower case
    const bool upper = (spec.conversion & 0x20) == 0;
    const long precision = spec.precision < 0 ? 6 : spec.precision;
    Decimal<Float> decimal(b.mantissa, b.exponent);
    if (conversion == 'f') {
        decimal.round(decimal.point() + precision);
        write_fixed(out, spec, sign, decimal, precision);
    } else if (conversion == 'e') {
        decimal.round(precision + 1);
        write_scientific(out, spec, sign, decimal, precision, upper ? 'E' : 'e');
    } else { // g: %e's rounding to P significant digits picks %f or %e
        const long significant = precision == 0 ? 1 : precision;
        decimal.round(significant);
        const long exponent = decimal.point() - 1;
        const bool fixed = exponent < significant && exponent >= -4;
        long digits = fixed ? significant - 1 - exponent : significant - 1;
        if (!(spec.flags & alternate)) { // drop trailing zeros
            const long last = decimal.last_nonzero();
            const long needed = fixed ? last + 1 - decimal.point() : last;
            digits = needed < digits ? (needed > 0 ? needed : 0) : digits;
        }
        if (fixed)
            write_fixed(out, spec, sign, decimal, digits);
        else
            write_scientific(out, spec, sign, decimal, digits, upper ? 'E' : 'e');
    }
}

// %a: the leading hex digit, then the fraction's hex digits, then the binary exponent.
void format_hex(FormatOutput &out, const Spec &spec, const Binary &b, char sign) {
    const bool upper = spec.conversion == 'A';
    const char *const digit_chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    const int fraction_digits = b.fraction_bits / 4;
    const unsigned __int128 fraction_mask = (static_cast<unsigned __int128>(1) << b.fraction_bits) - 1;
    unsigned lead = static_cast<unsigned>(b.mantissa >> b.fraction_bits);
    unsigned __int128 fraction = b.mantissa & fraction_mask;
    long exponent = b.mantissa == 0 ? 0 : b.exponent + b.fraction_bits;

    int digits = fraction_digits;
    if (spec.precision < 0) { // as many digits as the value needs
        while (digits > 0 && ((fraction >> (4 * (fraction_digits - digits))) & 0xf) == 0)
            --digits;
    } else if (spec.precision < fraction_digits) { // round half to even at that digit
        digits = spec.precision;
        const int dropped = 4 * (fraction_digits - digits);
        const unsigned __int128 rest = fraction & ((static_cast<unsigned __int128>(1) << dropped) - 1);
        const unsigned __int128 half = static_cast<unsigned __int128>(1) << (dropped - 1);
        fraction >>= dropped;
        const bool odd = digits > 0 ? (fraction & 1) != 0 : (lead & 1) != 0;
        if (rest > half || (rest == half && odd)) {
            ++fraction;
            if (fraction >> (4 * digits) != 0) { // the carry reaches the leading digit
                fraction = 0;
                if (++lead == 16) { // x87: 0xf.f...p+e rounds to 0x1.0...p+(e+4)
                    lead = 1;
                    exponent += 4;
                }
            }
        }
        fraction <<= dropped;
    }
    const int zeros = spec.precision > digits ? spec.precision - digits : 0;
    const bool dot = digits + zeros > 0 || (spec.flags & alternate);
    const long length = (sign != 0) + 3 + (dot ? 1 + digits + zeros : 0) + exponent_length(exponent, 1);

    Padding padding(out, spec, length, true);
    if (sign != 0)
        out.put(sign);
    out.put('0');
    out.put(upper ? 'X' : 'x');
    padding.zeros();
    out.put(digit_chars[lead]);
    if (dot)
        out.put('.');
    for (int i = 1; i <= digits; ++i)
        out.put(digit_chars[static_cast<unsigned>(fraction >> (b.fraction_bits - 4 * i)) & 0xf]);
    repeat(out, '0', zeros);
    write_exponent(out, upper ? 'P' : 'p', exponent, 1);
}

template <typename Float> void format_float(FormatOutput &out, const Spec &spec, Float value) {
    const Binary b = decompose(value);
    const char sign = sign_of(b.negative, spec.flags);
    const bool upper = (spec.conversion & 0x20) == 0;
    if (b.infinite || b.nan) {
        const char *text = b.nan ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
        Padding padding(out, spec, 3 + (sign != 0), false);
        if (sign != 0)
            out.put(sign);
        write(out, text, 3);
    } else if ((spec.conversion | 0x20) == 'a') {
        format_hex(out, spec, b, sign);
    } else {
        format_decimal<Float>(out, spec, b, sign);
    }
}

// The long double path has a big-number buffer of several KiB: kept out of format()'s frame.
[[gnu::noinline]] void format_long_double(FormatOutput &out, const Spec &spec, long double value) {
    format_float(out, spec, value);
}

[[gnu::noinline]] void format_double(FormatOutput &out, const Spec &spec, double value) {
    format_float(out, spec, value);
}

// %ls: wide characters, of which only ASCII ones convert.
bool format_wide(FormatOutput &out, const Spec &spec, const wchar_t *s, std::size_t n) {
    std::size_t length = 0;
    while (length < n && s[length] != 0) {
        if (static_cast<std::uint32_t>(s[length]) >= 0x80)
            return false;
        ++length;
    }
    Padding padding(out, spec, static_cast<long>(length), false);
    for (std::size_t i = 0; i < length; ++i)
        out.put(static_cast<char>(s[i]));
    return true;
}

// Reads the signed integer argument of the given length, converted back to that type.
std::intmax_t signed_argument(Length length, va_list *args) {
    switch (length) {
    case Length::hh: return static_cast<signed char>(va_arg(*args, int));
    case Length::h: return static_cast<short>(va_arg(*args, int));
    case Length::l: return va_arg(*args, long);
    case Length::ll:
    case Length::L: return va_arg(*args, long long); // glibc reads %Ld as %lld
    case Length::j: return va_arg(*args, std::intmax_t);
    case Length::z: return va_arg(*args, long); // ssize_t
    case Length::t: return va_arg(*args, std::ptrdiff_t);
    default: return va_arg(*args, int);
    }
}

std::uintmax_t unsigned_argument(Length length, va_list *args) {
    switch (length) {
    case Length::hh: return static_cast<unsigned char>(va_arg(*args, unsigned));
    case Length::h: return static_cast<unsigned short>(va_arg(*args, unsigned));
    case Length::l: return va_arg(*args, unsigned long);
    case Length::ll:
    case Length::L: return va_arg(*args, unsigned long long);
    case Length::j: return va_arg(*args, std::uintmax_t);
    case Length::z: return va_arg(*args, std::size_t);
    case Length::t: return static_cast<std::uintmax_t>(va_arg(*args, std::ptrdiff_t));
    default: return va_arg(*args, unsigned);
    }
}

void store_count(Length length, va_list *args, std::size_t count) {
    switch (length) {
    case Length::hh: *va_arg(*args, signed char *) = static_cast<signed char>(count); break;
    case Length::h: *va_arg(*args, short *) = static_cast<short>(count); break;
    case Length::l: *va_arg(*args, long *) = static_cast<long>(count); break;
    case Length::ll: *va_arg(*args, long long *) = static_cast<long long>(count); break;
    case Length::j: *va_arg(*args, std::intmax_t *) = static_cast<std::intmax_t>(count); break;
    case Length::z: *va_arg(*args, std::size_t *) = count; break;
    case Length::t: *va_arg(*args, std::ptrdiff_t *) = static_cast<std::ptrdiff_t>(count); break;
    default: *va_arg(*args, int *) = static_cast<int>(count); break;
    }
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A decimal number in the format, saturated at INT_MAX.
int parse_number(const char *&p) {
    long value = 0;
    for (; is_digit(*p); ++p)
        value = value * 10 + (*p - '0') > INT_MAX ? INT_MAX : value * 10 + (*p - '0');
    return static_cast<int>(value);
}

// Parses the conversion specification after a '%' into `spec`, reading '*' arguments.
// Returns false for a positional argument.
bool parse_spec(const char *&p, Spec &spec, va_list *args) {
    for (;; ++p) {
        switch (*p) {
        case '-': spec.flags |= left; continue;
        case '+': spec.flags |= plus; continue;
        case ' ': spec.flags |= space; continue;
        case '#': spec.flags |= alternate; continue;
        case '0': spec.flags |= zero_pad; continue;
        default: break;
        }
        break;
    }
    if (*p == '*') {
        ++p;
        const int width = va_arg(*args, int);
        if (width < 0) { // a negative width is the '-' flag
            spec.flags |= left;
            spec.width = width == INT_MIN ? INT_MAX : -width;
        } else {
            spec.width = width;
        }
    } else {
        spec.width = parse_number(p);
        if (*p == '$')
            return false;
    }
    if (*p == '.') {
        ++p;
        if (*p == '*') {
            ++p;
            const int precision = va_arg(*args, int);
            spec.precision = precision < 0 ? -1 : precision;
        } else {
            spec.precision = parse_number(p);
        }
    }
    switch (*p) {
    case 'h':
        spec.length = p[1] == 'h' ? Length::hh : Length::h;
        p += p[1] == 'h' ? 2 : 1;
        break;
    case 'l':
        spec.length = p[1] == 'l' ? Length::ll : Length::l;
        p += p[1] == 'l' ? 2 : 1;
        break;
    case 'q': spec.length = Length::ll; ++p; break;
    case 'j': spec.length = Length::j; ++p; break;
    case 'z': spec.length = Length::z; ++p; break;
    case 't': spec.length = Length::t; ++p; break;
    case 'L': spec.length = Length::L; ++p; break;
    default: break;
    }
    spec.conversion = *p;
    return true;
}

// One conversion; false if it is not supported.
bool convert(FormatOutput &out, const Spec &spec, va_list *args) {
    switch (spec.conversion) {
    case 'd':
    case 'i': {
        const std::intmax_t value = signed_argument(spec.length, args);
        const std::uintmax_t magnitude =
            value < 0 ? -static_cast<std::uintmax_t>(value) : static_cast<std::uintmax_t>(value);
        format_integer(out, spec, magnitude, sign_of(value < 0, spec.flags));
        return true;
    }
    case 'u':
    case 'o':
    case 'x':
    case 'X': format_integer(out, spec, unsigned_argument(spec.length, args), 0); return true;
    case 'p': {
        const void *pointer = va_arg(*args, void *);
        if (pointer == nullptr) {
            format_string(out, spec, "(nil)", 5);
        } else { // as glibc: %#lx, with the sign flags honoured
            Spec hex = spec;
            hex.conversion = 'x';
            hex.flags |= alternate;
            format_integer(out, hex, reinterpret_cast<std::uintptr_t>(pointer), sign_of(false, spec.flags));
        }
        return true;
    }
    case 'c': {
        const unsigned value = va_arg(*args, unsigned); // int, or wint_t for %lc
        if (spec.length == Length::l && value >= 0x80)
            return false; // only ASCII wide characters convert
        const char c = static_cast<char>(value);
        format_string(out, spec, &c, 1);
        return true;
    }
    case 's': {
        const std::size_t limit = spec.precision < 0 ? static_cast<std::size_t>(-1) : spec.precision;
        if (spec.length == Length::l) {
            const wchar_t *s = va_arg(*args, const wchar_t *);
            return format_wide(out, spec, s != nullptr ? s : L"(null)", s != nullptr || limit >= 6 ? limit : 0);
        }
        const char *s = va_arg(*args, const char *);
        if (s == nullptr) // as glibc, for the undefined case
            s = limit >= 6 ? "(null)" : "";
        std::size_t length = 0;
        while (length < limit && s[length] != '\0')
            ++length;
        format_string(out, spec, s, length);
        return true;
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
        if (spec.length == Length::L)
            format_long_double(out, spec, va_arg(*args, long double));
        else
            format_double(out, spec, va_arg(*args, double));
        return true;
    case 'n': store_count(spec.length, args, out.total()); return true;
    case '%': out.put('%'); return true;
    default: return false;
    }
}

} // namespace

int format(FormatOutput &out, const char *fmt, va_list arguments) noexcept {
    va_list args;
    va_copy(args, arguments);
    bool ok = true;
    for (const char *p = fmt; *p != '\0' && ok; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        ++p;
        Spec spec;
        ok = parse_spec(p, spec, &args) && convert(out, spec, &args);
    }
    va_end(args);
    if (!ok || out.total() > static_cast<std::size_t>(INT_MAX))
        return -1;
    return static_cast<int>(out.total());
}

} // namespace sel4_runtime::detail

using sel4_runtime::detail::FormatOutput;

extern "C" {

int CPP_SEL4_C_NAME(vsnprintf)(char *__restrict buffer, std::size_t size, const char *__restrict fmt,
                               va_list args) noexcept {
    FormatOutput out(buffer, size == 0 ? 0 : size - 1);
    const int result = sel4_runtime::detail::format(out, fmt, args);
    if (size != 0)
        buffer[out.used()] = '\0';
    return result;
}

int CPP_SEL4_C_NAME(snprintf)(char *__restrict buffer, std::size_t size, const char *__restrict fmt, ...) noexcept {
    va_list args;
    va_start(args, fmt);
    const int result = CPP_SEL4_C_NAME(vsnprintf)(buffer, size, fmt, args);
    va_end(args);
    return result;
}

int CPP_SEL4_C_NAME(vsprintf)(char *__restrict buffer, const char *__restrict fmt, va_list args) noexcept {
    // No bound: the buffer is the caller's promise.
    FormatOutput out(buffer, static_cast<std::size_t>(-1));
    const int result = sel4_runtime::detail::format(out, fmt, args);
    buffer[out.used()] = '\0';
    return result;
}

int CPP_SEL4_C_NAME(sprintf)(char *__restrict buffer, const char *__restrict fmt, ...) noexcept {
    va_list args;
    va_start(args, fmt);
    const int result = CPP_SEL4_C_NAME(vsprintf)(buffer, fmt, args);
    va_end(args);
    return result;
}

} // extern "C"
