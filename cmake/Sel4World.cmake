# A world is a kernel configuration on a machine (see README, "Worlds"). This
# file loads the world's definition, finds and checks its installed kernel,
# brings in the host tools, and offers the functions that build root tasks
# and register on-target tests.
include_guard(GLOBAL)
include(ExternalProject)

set(CPP_SEL4_COMMON_KERNEL_OPTIONS
    KernelVerificationBuild=OFF KernelDebugBuild=ON KernelPrinting=ON)
set(CPP_SEL4_COMMON_KERNEL_CHECKS
    KernelVerificationBuild:VERIFICATION_BUILD=OFF KernelDebugBuild:DEBUG_BUILD=ON
    KernelPrinting:PRINTING=ON)

# Called by cmake/worlds/<world>.cmake.
#   ARCH            the target architecture (x86_64, aarch64, riscv64)
#   BOOT            multiboot (QEMU loads kernel and root task) or loader (our kernel loader)
#   KERNEL_OPTIONS  the seL4 build options of this world, as users pass them
#   CHECKS          Option:GEN_CONFIG_KEY=value, checked against the installed kernel
#   NODES           the kernel's KernelMaxNumNodes (default 1); the QEMU machine needs as many CPUs
function(cpp_sel4_define_world)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "ARCH;BOOT;NODES" "KERNEL_OPTIONS;CHECKS")
  if(NOT arg_NODES)
    set(arg_NODES 1)
  endif()
  set(CPP_SEL4_ARCH ${arg_ARCH} PARENT_SCOPE)
  set(CPP_SEL4_BOOT ${arg_BOOT} PARENT_SCOPE)
  set(CPP_SEL4_NUM_NODES ${arg_NODES} PARENT_SCOPE)
  set(CPP_SEL4_KERNEL_OPTIONS ${arg_KERNEL_OPTIONS} ${CPP_SEL4_COMMON_KERNEL_OPTIONS} KernelMaxNumNodes=${arg_NODES}
      PARENT_SCOPE)
  set(CPP_SEL4_KERNEL_CHECKS ${arg_CHECKS} ${CPP_SEL4_COMMON_KERNEL_CHECKS} KernelMaxNumNodes:MAX_NUM_NODES=${arg_NODES}
      PARENT_SCOPE)
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
                      "'${CPP_SEL4_TOOLCHAIN_ARCH}'. Configure with the preset: cmake --preset ${CPP_SEL4_WORLD}")
endif()
string(JOIN " " CPP_SEL4_KERNEL_OPTIONS_TEXT ${CPP_SEL4_KERNEL_OPTIONS})

# --- The installed kernel ---------------------------------------------------
if(DEFINED ENV{SEL4_PREFIX} AND NOT "$ENV{SEL4_PREFIX}" STREQUAL "")
  set(default_prefix "$ENV{SEL4_PREFIX}")
else()
  set(default_prefix "/opt/sel4/${CPP_SEL4_WORLD}")
endif()
set(SEL4_PREFIX "${default_prefix}" CACHE PATH "Installed seL4 16.0.0 kernel for this world")
# A prefix given by the environment wins over an older cached one.
if(DEFINED ENV{SEL4_PREFIX} AND NOT "$ENV{SEL4_PREFIX}" STREQUAL "")
  set(SEL4_PREFIX "$ENV{SEL4_PREFIX}" CACHE PATH "Installed seL4 16.0.0 kernel for this world" FORCE)
endif()

set(SEL4_KERNEL_ELF ${SEL4_PREFIX}/bin/kernel.elf)
set(SEL4_GEN_CONFIG ${SEL4_PREFIX}/libsel4/include/kernel/gen_config.json)
set(SEL4_DTB ${SEL4_PREFIX}/support/kernel.dtb)
set(kernel_files ${SEL4_KERNEL_ELF} ${SEL4_GEN_CONFIG})
if(CPP_SEL4_BOOT STREQUAL "loader")
  list(APPEND kernel_files ${SEL4_DTB})
endif()
set(CPP_SEL4_KERNEL_FOUND ON)
foreach(file IN LISTS kernel_files)
  if(NOT EXISTS ${file})
    set(CPP_SEL4_KERNEL_FOUND OFF)
  endif()
endforeach()
string(JOIN " and " kernel_files_text ${kernel_files})
set(CPP_SEL4_KERNEL_MISSING_MESSAGE
    "no seL4 kernel for world ${CPP_SEL4_WORLD} at ${SEL4_PREFIX} (expected ${kernel_files_text}); "
    "build seL4 16.0.0 with ${CPP_SEL4_KERNEL_OPTIONS_TEXT} and install it there, or set SEL4_PREFIX")

if(CPP_SEL4_KERNEL_FOUND)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${SEL4_GEN_CONFIG})
  file(READ ${SEL4_GEN_CONFIG} CPP_SEL4_GEN_CONFIG_JSON) # read once; libs/sel4 derives its config header from it
  foreach(check IN LISTS CPP_SEL4_KERNEL_CHECKS)
    if(NOT check MATCHES "^([^:]+):([^=]+)=(.*)$")
      message(FATAL_ERROR "Malformed kernel check '${check}' in ${world_file}")
    endif()
    set(option ${CMAKE_MATCH_1})
    set(key ${CMAKE_MATCH_2})
    set(expected ${CMAKE_MATCH_3})
    string(JSON found ERROR_VARIABLE json_error GET "${CPP_SEL4_GEN_CONFIG_JSON}" ${key})
    if(json_error)
      set(found "(absent)")
    endif()
    if(NOT found STREQUAL expected)
      message(FATAL_ERROR
        "The kernel at ${SEL4_PREFIX} does not match world ${CPP_SEL4_WORLD}: option ${option} "
        "(${key} in ${SEL4_GEN_CONFIG}) is '${found}', expected '${expected}'.\n"
        "World ${CPP_SEL4_WORLD} needs a kernel built with: ${CPP_SEL4_KERNEL_OPTIONS_TEXT}")
    endif()
  endforeach()
  message(STATUS "World ${CPP_SEL4_WORLD}: seL4 kernel at ${SEL4_PREFIX}")
else()
  message(WARNING "On-target tests of world ${CPP_SEL4_WORLD} will be skipped: ${CPP_SEL4_KERNEL_MISSING_MESSAGE}")
endif()

# --- Host tools, built with the host compiler --------------------------------
set(CPP_SEL4_HOST_TOOLS_DIR ${CMAKE_BINARY_DIR}/host-tools)
set(CPP_SEL4_QEMU_RUNNER ${CPP_SEL4_HOST_TOOLS_DIR}/qemu-runner/sel4-qemu-run)
set(CPP_SEL4_IMAGE_TOOL ${CPP_SEL4_HOST_TOOLS_DIR}/image-tool/sel4-image)
set(CPP_SEL4_SYMBOLIZER ${CPP_SEL4_HOST_TOOLS_DIR}/symbolizer/sel4-symbolize)
set(CPP_SEL4_EMBED_SYMBOLS ${CPP_SEL4_HOST_TOOLS_DIR}/symtab/sel4-embed-symbols)
set(CPP_SEL4_BINDGEN ${CPP_SEL4_HOST_TOOLS_DIR}/sel4-bindgen/sel4-bindgen)
set(CPP_SEL4_CMATH_REFERENCE ${CPP_SEL4_HOST_TOOLS_DIR}/cmath-reference/cmath-reference)
ExternalProject_Add(host-tools
  SOURCE_DIR ${PROJECT_SOURCE_DIR}/tools
  BINARY_DIR ${CPP_SEL4_HOST_TOOLS_DIR}
  CMAKE_ARGS -DCMAKE_BUILD_TYPE=Release -DCPP_SEL4_TOOLS_TESTS=OFF
  CMAKE_GENERATOR ${CMAKE_GENERATOR}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  BUILD_BYPRODUCTS ${CPP_SEL4_QEMU_RUNNER} ${CPP_SEL4_IMAGE_TOOL} ${CPP_SEL4_BINDGEN} ${CPP_SEL4_SYMBOLIZER}
                   ${CPP_SEL4_EMBED_SYMBOLS} ${CPP_SEL4_CMATH_REFERENCE}
  USES_TERMINAL_BUILD ON)

# --- The kernel image that QEMU boots -----------------------------------------
if(CPP_SEL4_KERNEL_FOUND AND CPP_SEL4_BOOT STREQUAL "multiboot")
  # QEMU's multiboot loader takes only 32-bit ELF files.
  set(CPP_SEL4_BOOT_KERNEL ${CMAKE_BINARY_DIR}/kernel32.elf)
  add_custom_command(OUTPUT ${CPP_SEL4_BOOT_KERNEL}
    COMMAND ${CMAKE_OBJCOPY} -O elf32-i386 ${SEL4_KERNEL_ELF} ${CPP_SEL4_BOOT_KERNEL}
    DEPENDS ${SEL4_KERNEL_ELF}
    COMMENT "Converting the seL4 kernel to elf32 for multiboot")
  add_custom_target(boot-kernel ALL DEPENDS ${CPP_SEL4_BOOT_KERNEL})
endif()

# Static libraries that need each other (the runtime and the toolchain's C++ libraries)
# are linked as a group: $<LINK_GROUP:RESCAN,...>.
foreach(language C CXX)
  set(CMAKE_${language}_LINK_GROUP_USING_RESCAN "LINKER:--start-group" "LINKER:--end-group")
  set(CMAKE_${language}_LINK_GROUP_USING_RESCAN_SUPPORTED TRUE)
endforeach()

# --- Functions -----------------------------------------------------------------

# add_sel4_root_task(<target> <sources>...): a static root-task executable for this world.
function(add_sel4_root_task target)
  add_executable(${target} ${ARGN})
  target_link_libraries(${target} PRIVATE gcc)
  if(CPP_SEL4_KERNEL_FOUND)
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${SEL4_GEN_CONFIG})
  endif()
endfunction()

# sel4_embed_symbols(<target>): after each link, writes the target's function symbols into
# its .cpp_sel4_symbols section (the target links runtime-symbols), for symbolized backtraces
# on the device.
function(sel4_embed_symbols target)
  add_dependencies(${target} host-tools)
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CPP_SEL4_EMBED_SYMBOLS} --elf $<TARGET_FILE:${target}>
    COMMENT "Embedding the symbol table of ${target}")
endfunction()

# add_sel4_qemu_test(NAME <area>.<name> ROOT_TASK <target> [TIMEOUT <s>] [SUCCESS <line>]
#                    [EXPECT_FAILURE <regex>] [WRAPPER <command>...])
# Boots the root task on this world's kernel in QEMU. The test passes on the
# program's success line (or on SUCCESS, for a program whose last line is the runtime's). With EXPECT_FAILURE the runner must instead fail
# with a reason matching <regex>, within the timeout, and leave no QEMU behind. A WRAPPER
# command runs the runner (its arguments follow the wrapper's) and checks more.
function(add_sel4_qemu_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;ROOT_TASK;TIMEOUT;SUCCESS;EXPECT_FAILURE" "WRAPPER")
  if(NOT arg_NAME MATCHES "^[a-z0-9-]+\\.[a-z0-9-]+$")
    message(FATAL_ERROR "On-target test name '${arg_NAME}' is not of the form <area>.<name>")
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 60)
  endif()

  if(NOT CPP_SEL4_KERNEL_FOUND)
    add_test(NAME ${arg_NAME} COMMAND sh -c "echo \"SKIPPED: $1\"; exit 77" sh "${CPP_SEL4_KERNEL_MISSING_MESSAGE}")
    set_tests_properties(${arg_NAME} PROPERTIES SKIP_RETURN_CODE 77 LABELS qemu)
    return()
  endif()

  if(CPP_SEL4_BOOT STREQUAL "multiboot")
    set(boot ${CPP_SEL4_QEMU_COMMAND} -kernel ${CPP_SEL4_BOOT_KERNEL} -initrd $<TARGET_FILE:${arg_ROOT_TASK}>)
  else()
    # The loader with this kernel and root task attached.
    set(image ${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}.img)
    add_custom_command(OUTPUT ${image}
      COMMAND ${CPP_SEL4_IMAGE_TOOL} --loader $<TARGET_FILE:kernel-loader> --kernel ${SEL4_KERNEL_ELF}
              --kernel-config ${SEL4_GEN_CONFIG} --root-task $<TARGET_FILE:${arg_ROOT_TASK}> --dtb ${SEL4_DTB}
              -o ${image}
      DEPENDS kernel-loader ${arg_ROOT_TASK} ${CPP_SEL4_IMAGE_TOOL} ${SEL4_KERNEL_ELF} ${SEL4_GEN_CONFIG} ${SEL4_DTB}
      COMMENT "Attaching seL4 and ${arg_ROOT_TASK} to the kernel loader")
    add_custom_target(${arg_NAME}-image ALL DEPENDS ${image})
    set(boot ${CPP_SEL4_QEMU_COMMAND} -kernel ${image})
  endif()
  set(run ${CPP_SEL4_QEMU_RUNNER} --timeout ${arg_TIMEOUT})
  if(arg_SUCCESS)
    list(APPEND run --success ${arg_SUCCESS})
  endif()
  if(arg_EXPECT_FAILURE)
    add_test(NAME ${arg_NAME}
      COMMAND sh ${PROJECT_SOURCE_DIR}/tests/runner/expect-failure.sh "${arg_EXPECT_FAILURE}" ${arg_TIMEOUT}
              ${run} -- ${boot})
  else()
    add_test(NAME ${arg_NAME} COMMAND ${arg_WRAPPER} ${run} -- ${boot})
  endif()
  math(EXPR ctest_timeout "${arg_TIMEOUT} + 30")
  set_tests_properties(${arg_NAME} PROPERTIES LABELS qemu TIMEOUT ${ctest_timeout})
endfunction()
