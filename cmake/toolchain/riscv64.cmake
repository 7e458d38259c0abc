# riscv64 target code, built with Debian's g++-riscv64-linux-gnu.
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CPP_SEL4_TOOLCHAIN_ARCH riscv64)
set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER riscv64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER riscv64-linux-gnu-gcc)
# The toolchain's own libraries are lp64d; medany lets code live at any address.
set(CPP_SEL4_ARCH_FLAGS "-march=rv64imafdc_zicsr_zifencei -mabi=lp64d -mcmodel=medany")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
