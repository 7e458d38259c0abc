/* The fixture's libsel4 headers: what sel4-bindgen reads for constants.hpp, small. */
#pragma once

#include <sel4/macros.h>
#include <sel4/errors.h>
#include <sel4/objecttype.h>
#include <sel4/arch/objecttype.h>
#include <sel4/constants.h>
#include <sel4/sel4_arch/types.h>
