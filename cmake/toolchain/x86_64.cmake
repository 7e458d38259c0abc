# x86_64 target code, built with the host's g++.
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CPP_SEL4_TOOLCHAIN_ARCH x86_64)
set(CMAKE_C_COMPILER gcc)
set(CMAKE_CXX_COMPILER g++)
set(CMAKE_ASM_COMPILER gcc)
# No red zone: code below the stack pointer is not safe from interrupts in
# every environment this code runs in (bare-metal stubs, handlers).
set(CPP_SEL4_ARCH_FLAGS "-m64 -march=x86-64 -mno-red-zone -fcf-protection=none")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
