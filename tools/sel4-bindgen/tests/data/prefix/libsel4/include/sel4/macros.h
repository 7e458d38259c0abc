#pragma once

#define LIBSEL4_BIT(n) (1ul << (n))
#define SEL4_FORCE_LONG_ENUM(type) \
    _enum_pad_ ## type = ((1ULL << ((sizeof(long) * 8) - 1)) - 1)
