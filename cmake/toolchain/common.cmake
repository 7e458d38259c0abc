# Shared by the per-arch toolchain files: code that runs on seL4 (or bare
# metal) is freestanding of any OS libc, static and position-dependent.
set(CMAKE_SYSTEM_NAME Generic)
# Compiler checks must not try to link a hosted program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

set(cpp_sel4_target_flags "-fno-pie -fno-stack-protector -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${cpp_sel4_target_flags} ${CPP_SEL4_ARCH_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${cpp_sel4_target_flags} ${CPP_SEL4_ARCH_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${CPP_SEL4_ARCH_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-nostdlib -static -no-pie -Wl,--gc-sections -Wl,--eh-frame-hdr -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none")
