# Finds the seL4 kernel installed at SEL4_PREFIX and checks its configuration
# (libsel4/include/kernel/gen_config.json) against the world's kernel options; a mismatch is an
# error that names the option, the value found and the value expected. Shared by cpp-sel4's own
# build (where a missing kernel only skips the on-target tests) and its installed package
# (where the kernel recorded at install time must still be there, unchanged).
#   in:  SEL4_PREFIX, the world's definition (Sel4WorldDefinition.cmake)
#        CPP_SEL4_KERNEL_REQUIRED  a missing kernel is an error, not a warning
#        CPP_SEL4_KERNEL_RECORDED_SHA256  the gen_config.json the package was built against
#   out: CPP_SEL4_KERNEL_FOUND, SEL4_KERNEL_ELF, SEL4_GEN_CONFIG, SEL4_DTB,
#        CPP_SEL4_GEN_CONFIG_JSON, CPP_SEL4_KERNEL_MISSING_MESSAGE
include_guard(GLOBAL)

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
string(CONCAT CPP_SEL4_KERNEL_MISSING_MESSAGE
    "no seL4 kernel for world ${CPP_SEL4_WORLD} at ${SEL4_PREFIX} (expected ${kernel_files_text}); "
    "build seL4 16.0.0 with ${CPP_SEL4_KERNEL_OPTIONS_TEXT} and install it there")

if(NOT CPP_SEL4_KERNEL_FOUND)
  if(CPP_SEL4_KERNEL_REQUIRED)
    message(FATAL_ERROR "cpp-sel4 was installed for the kernel at ${SEL4_PREFIX}, which is gone: "
                        "${CPP_SEL4_KERNEL_MISSING_MESSAGE}, or install cpp-sel4 again for the kernel you have")
  endif()
  message(WARNING "On-target tests of world ${CPP_SEL4_WORLD} will be skipped: ${CPP_SEL4_KERNEL_MISSING_MESSAGE}, "
                  "or set SEL4_PREFIX")
  return()
endif()

set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${SEL4_GEN_CONFIG})
file(READ ${SEL4_GEN_CONFIG} CPP_SEL4_GEN_CONFIG_JSON) # read once; libs/sel4 derives its config header from it
foreach(check IN LISTS CPP_SEL4_KERNEL_CHECKS)
  if(NOT check MATCHES "^([^:]+):([^=]+)=(.*)$")
    message(FATAL_ERROR "Malformed kernel check '${check}' in the definition of world ${CPP_SEL4_WORLD}")
  endif()
  set(option ${CMAKE_MATCH_1})
  set(key ${CMAKE_MATCH_2})
  set(expected ${CMAKE_MATCH_3})
  # libsel4's own options (LIB_SEL4_*) are in libsel4's configuration, beside the kernel's.
  set(config_file ${SEL4_GEN_CONFIG})
  set(config_json "${CPP_SEL4_GEN_CONFIG_JSON}")
  if(key MATCHES "^LIB_SEL4_")
    set(config_file ${SEL4_PREFIX}/libsel4/include/sel4/gen_config.json)
    set(config_json "{}")
    if(EXISTS ${config_file})
      file(READ ${config_file} config_json)
    endif()
  endif()
  string(JSON found ERROR_VARIABLE json_error GET "${config_json}" ${key})
  if(json_error)
    set(found "(absent)")
  endif()
  if(NOT found STREQUAL expected)
    message(FATAL_ERROR
      "The kernel at ${SEL4_PREFIX} does not match world ${CPP_SEL4_WORLD}: option ${option} "
      "(${key} in ${config_file}) is '${found}', expected '${expected}'.\n"
      "World ${CPP_SEL4_WORLD} needs a kernel built with: ${CPP_SEL4_KERNEL_OPTIONS_TEXT}")
  endif()
endforeach()
file(SHA256 ${SEL4_GEN_CONFIG} CPP_SEL4_GEN_CONFIG_SHA256)
if(CPP_SEL4_KERNEL_RECORDED_SHA256 AND NOT CPP_SEL4_GEN_CONFIG_SHA256 STREQUAL CPP_SEL4_KERNEL_RECORDED_SHA256)
  message(FATAL_ERROR
    "The kernel at ${SEL4_PREFIX} changed after cpp-sel4 was installed for it: ${SEL4_GEN_CONFIG} is not the "
    "configuration the bindings were generated from. Install cpp-sel4 again for this kernel.")
endif()
message(STATUS "World ${CPP_SEL4_WORLD}: seL4 kernel at ${SEL4_PREFIX}")
