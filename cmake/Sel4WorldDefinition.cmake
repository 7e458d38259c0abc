# A world is a kernel configuration on a machine (see README, "Worlds"). This file loads the
# definition of world CPP_SEL4_WORLD from worlds/<world>.cmake beside it: its arch, how it
# boots, the kernel options it needs and QEMU's command line. Shared by cpp-sel4's own build
# and by its installed package.
include_guard(GLOBAL)

# A root CNode of 2^14 slots (seL4's default is 2^12): room for the CapDL initializer's caps
# of a 10,000-object system (bench/capdl.sh), beside its image's frames and the BootInfo's.
set(CPP_SEL4_COMMON_KERNEL_OPTIONS
    KernelVerificationBuild=OFF KernelDebugBuild=ON KernelPrinting=ON KernelRootCNodeSizeBits=14)
set(CPP_SEL4_COMMON_KERNEL_CHECKS
    KernelVerificationBuild:VERIFICATION_BUILD=OFF KernelDebugBuild:DEBUG_BUILD=ON
    KernelPrinting:PRINTING=ON KernelRootCNodeSizeBits:ROOT_CNODE_SIZE_BITS=14)

# The Microkit worlds' kernels are configured as Microkit 2.3's `debug` configuration
# (its build_sdk.py): MCS, a root CNode of 2^17 slots, libsel4's IPC buffer a plain global,
# 16 domains with a schedule of up to 100 entries.
set(CPP_SEL4_MICROKIT_KERNEL_OPTIONS
    KernelVerificationBuild=OFF KernelDebugBuild=ON KernelPrinting=ON KernelIsMCS=ON KernelRootCNodeSizeBits=17
    LibSel4UseThreadLocals=OFF KernelNumDomains=16 KernelNumDomainSchedules=100)
set(CPP_SEL4_MICROKIT_KERNEL_CHECKS
    KernelVerificationBuild:VERIFICATION_BUILD=OFF KernelDebugBuild:DEBUG_BUILD=ON KernelPrinting:PRINTING=ON
    KernelIsMCS:KERNEL_MCS=ON KernelRootCNodeSizeBits:ROOT_CNODE_SIZE_BITS=17
    LibSel4UseThreadLocals:LIB_SEL4_USE_THREAD_LOCALS=OFF KernelNumDomains:NUM_DOMAINS=16
    KernelNumDomainSchedules:NUM_DOMAIN_SCHEDULES=100)

# Called by worlds/<world>.cmake.
#   ARCH            the target architecture (x86_64, aarch64, riscv64)
#   BOOT            multiboot (QEMU loads kernel and root task) or loader (our kernel loader)
#   KERNEL_OPTIONS  the seL4 build options of this world, as users pass them
#   CHECKS          Option:GEN_CONFIG_KEY=value, checked against the installed kernel
#   NODES           the kernel's KernelMaxNumNodes (default 1); the QEMU machine needs as many CPUs
#   MICROKIT_BOARD  for a Microkit world: the Microkit 2.3 board whose debug configuration
#                   its kernel has (the Microkit options replace the common ones)
function(cpp_sel4_define_world)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "ARCH;BOOT;NODES;MICROKIT_BOARD" "KERNEL_OPTIONS;CHECKS")
  if(NOT arg_NODES)
    set(arg_NODES 1)
  endif()
  set(common_options ${CPP_SEL4_COMMON_KERNEL_OPTIONS})
  set(common_checks ${CPP_SEL4_COMMON_KERNEL_CHECKS})
  set(CPP_SEL4_MICROKIT_BOARD ${arg_MICROKIT_BOARD} PARENT_SCOPE)
  if(arg_MICROKIT_BOARD)
    set(common_options ${CPP_SEL4_MICROKIT_KERNEL_OPTIONS})
    set(common_checks ${CPP_SEL4_MICROKIT_KERNEL_CHECKS})
    list(APPEND arg_CHECKS KernelIsMCS:KERNEL_MCS=ON)
  endif()
  set(CPP_SEL4_ARCH ${arg_ARCH} PARENT_SCOPE)
  set(CPP_SEL4_BOOT ${arg_BOOT} PARENT_SCOPE)
  set(CPP_SEL4_NUM_NODES ${arg_NODES} PARENT_SCOPE)
  set(CPP_SEL4_KERNEL_OPTIONS ${arg_KERNEL_OPTIONS} ${common_options} KernelMaxNumNodes=${arg_NODES} PARENT_SCOPE)
  set(CPP_SEL4_KERNEL_CHECKS ${arg_CHECKS} ${common_checks} KernelMaxNumNodes:MAX_NUM_NODES=${arg_NODES} PARENT_SCOPE)
  if("KernelIsMCS:KERNEL_MCS=ON" IN_LIST arg_CHECKS)
    set(CPP_SEL4_MCS ON PARENT_SCOPE)
  else()
    set(CPP_SEL4_MCS OFF PARENT_SCOPE)
  endif()
endfunction()

set(world_file ${CMAKE_CURRENT_LIST_DIR}/worlds/${CPP_SEL4_WORLD}.cmake)
if(NOT EXISTS ${world_file})
  file(GLOB known RELATIVE ${CMAKE_CURRENT_LIST_DIR}/worlds ${CMAKE_CURRENT_LIST_DIR}/worlds/*.cmake)
  string(REPLACE ".cmake" "" known "${known}")
  message(FATAL_ERROR "Unknown world '${CPP_SEL4_WORLD}'. Known worlds: host ${known}")
endif()
include(${world_file})
if(NOT CPP_SEL4_TOOLCHAIN_ARCH STREQUAL CPP_SEL4_ARCH)
  message(FATAL_ERROR "World ${CPP_SEL4_WORLD} targets ${CPP_SEL4_ARCH}, but the toolchain file is for "
                      "'${CPP_SEL4_TOOLCHAIN_ARCH}'. Configure with the preset (cmake --preset ${CPP_SEL4_WORLD}) "
                      "or with the toolchain file installed for this world")
endif()
string(JOIN " " CPP_SEL4_KERNEL_OPTIONS_TEXT ${CPP_SEL4_KERNEL_OPTIONS})
