# aarch64 target code, built with Debian's g++-aarch64-linux-gnu.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CPP_SEL4_TOOLCHAIN_ARCH aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
# Outline atomics would pick LSE at run time through getauxval, which seL4 lacks.
set(CPP_SEL4_ARCH_FLAGS "-march=armv8-a -mno-outline-atomics")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
