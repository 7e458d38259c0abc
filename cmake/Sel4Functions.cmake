# The functions that build seL4 programs and boot them: what cpp-sel4's own tests use and what
# its installed package gives a user's project (one implementation for both).
#   add_sel4_root_task(<target> <sources>...)
#   sel4_embed_symbols(<target>)
#   sel4_image(<name> ROOT_TASK <target> [OUTPUT <file>])
#   sel4_qemu_run(<name> IMAGE <image> [QEMU_ARGS <arg>...])
#   add_sel4_qemu_test(NAME <area>.<name> ROOT_TASK <target> | IMAGE <image> ...)
#   add_sel4_microkit_pd(<target> [RUNTIME c|cxx|cxx-minimal] <sources>...)      (Microkit worlds)
#   add_sel4_microkit_system(<name> SYSTEM <file.system> PDS <target>... [SEARCH_PATH <dir>...])
# They rely on the world's definition (Sel4WorldDefinition.cmake), its kernel (Sel4Kernel.cmake)
# and on these variables: CPP_SEL4_IMAGE_TOOL, CPP_SEL4_QEMU_RUNNER, CPP_SEL4_EMBED_SYMBOLS
# (the host tools), CPP_SEL4_HOST_TOOLS_TARGET (the target that builds them, if any),
# CPP_SEL4_LOADER_TARGET (the kernel loader, on worlds that boot through it) and
# CPP_SEL4_SCRIPTS_DIR (scripts/ beside this file).
include_guard(GLOBAL)

# Static libraries that need each other (the runtime and the toolchain's C++ libraries)
# are linked as a group: $<LINK_GROUP:RESCAN,...>.
foreach(language C CXX)
  set(CMAKE_${language}_LINK_GROUP_USING_RESCAN "LINKER:--start-group" "LINKER:--end-group")
  set(CMAKE_${language}_LINK_GROUP_USING_RESCAN_SUPPORTED TRUE)
endforeach()

# add_sel4_root_task(<target> <sources>...): a static root-task executable for this world.
# Link it with a runtime variant (cpp-sel4::root-task, -no-exceptions, -minimal).
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
  if(CPP_SEL4_HOST_TOOLS_TARGET)
    add_dependencies(${target} ${CPP_SEL4_HOST_TOOLS_TARGET})
  endif()
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CPP_SEL4_EMBED_SYMBOLS} --elf $<TARGET_FILE:${target}>
    COMMENT "Embedding the symbol table of ${target}")
endfunction()

# sel4_image(<name> ROOT_TASK <target> | ROOT_TASK_FILE <file> [OUTPUT <file>]): the target <name> makes what QEMU
# boots: on a loader world the kernel loader with the kernel, the root task and the device
# tree attached (OUTPUT, default <name>.img); on x86_64 the multiboot pair, the kernel as a
# 32-bit ELF (OUTPUT, default <name>.elf32) and the root task as its module. sel4-image
# refuses a root task the kernel could not boot. The target's property SEL4_QEMU_BOOT_ARGS
# holds QEMU's arguments that boot it.
function(sel4_image name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "ROOT_TASK;ROOT_TASK_FILE;OUTPUT" "")
  if(arg_ROOT_TASK)
    set(root_task $<TARGET_FILE:${arg_ROOT_TASK}>)
    set(what_root_task ${arg_ROOT_TASK})
  elseif(arg_ROOT_TASK_FILE)
    set(root_task ${arg_ROOT_TASK_FILE})
    get_filename_component(what_root_task ${arg_ROOT_TASK_FILE} NAME)
  else()
    message(FATAL_ERROR "sel4_image(${name}): ROOT_TASK <target> or ROOT_TASK_FILE <file> is required")
  endif()
  set(depends ${arg_ROOT_TASK} ${root_task} ${CPP_SEL4_IMAGE_TOOL} ${SEL4_KERNEL_ELF} ${SEL4_GEN_CONFIG})
  set(tool_args --sel4-prefix ${SEL4_PREFIX} --root-task ${root_task})
  if(CPP_SEL4_BOOT STREQUAL "loader")
    if(NOT arg_OUTPUT)
      set(arg_OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/${name}.img)
    endif()
    list(APPEND tool_args --loader $<TARGET_FILE:${CPP_SEL4_LOADER_TARGET}>)
    list(APPEND depends ${CPP_SEL4_LOADER_TARGET} ${SEL4_DTB})
    set(boot -kernel ${arg_OUTPUT})
    set(what "Attaching seL4 and ${what_root_task} to the kernel loader")
  else()
    if(NOT arg_OUTPUT)
      set(arg_OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/${name}.elf32)
    endif()
    set(boot -kernel ${arg_OUTPUT} -initrd ${root_task})
    set(what "Checking ${what_root_task} and converting seL4 to elf32 for multiboot")
  endif()
  add_custom_command(OUTPUT ${arg_OUTPUT}
    COMMAND ${CPP_SEL4_IMAGE_TOOL} ${tool_args} -o ${arg_OUTPUT}
    DEPENDS ${depends}
    COMMENT "${what}")
  add_custom_target(${name} ALL DEPENDS ${arg_OUTPUT})
  if(CPP_SEL4_HOST_TOOLS_TARGET)
    add_dependencies(${name} ${CPP_SEL4_HOST_TOOLS_TARGET})
  endif()
  set_target_properties(${name} PROPERTIES SEL4_IMAGE_FILE ${arg_OUTPUT} SEL4_QEMU_BOOT_ARGS "${boot}")
endfunction()

# add_sel4_capdl_system(<name> SPEC <json> FILL_DIR <dir> | GENERATOR <command>...
#                       [DEPENDS <target or file>...] [ADD_SPEC_ARGS <arg>...])
# The target <name> makes a bootable image (as sel4_image does) of a CapDL system: the spec
# (JSON, as rust-sel4's and Microkit's tools write it) attached to the world's CapDL
# initializer by `sel4-capdl add-spec` (<name>.elf), checked against the kernel the
# initializer was built for (whose configuration it holds), with its
# frames filled from FILL_DIR. GENERATOR is a host command that writes the spec: it is run as
# `<command>... --kernel-config <the kernel's gen_config.json> --out <dir>` and writes
# <dir>/spec.json and the files its frames are filled from; DEPENDS names what it reads.
# ADD_SPEC_ARGS go to add-spec (--no-embed-frames, --no-deflate, --object-names, --log-level).
function(add_sel4_capdl_system name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "SPEC;FILL_DIR" "GENERATOR;DEPENDS;ADD_SPEC_ARGS")
  if(arg_GENERATOR AND NOT arg_SPEC AND NOT arg_FILL_DIR)
    set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name}.capdl)
    set(spec ${dir}/spec.json)
    set(fill_dir ${dir})
    add_custom_command(OUTPUT ${spec}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
      COMMAND ${arg_GENERATOR} --kernel-config ${SEL4_GEN_CONFIG} --out ${dir}
      DEPENDS ${arg_DEPENDS} ${SEL4_GEN_CONFIG} ${CPP_SEL4_HOST_TOOLS_TARGET}
      COMMENT "Writing the CapDL spec of ${name}" COMMAND_EXPAND_LISTS VERBATIM)
  elseif(arg_SPEC AND arg_FILL_DIR AND NOT arg_GENERATOR)
    set(spec ${arg_SPEC})
    set(fill_dir ${arg_FILL_DIR})
  else()
    message(FATAL_ERROR "add_sel4_capdl_system(${name}): give SPEC <json> and FILL_DIR <dir>, or GENERATOR <command>")
  endif()
  set(elf ${CMAKE_CURRENT_BINARY_DIR}/${name}.elf)
  add_custom_command(OUTPUT ${elf}
    COMMAND ${CPP_SEL4_CAPDL_TOOL} add-spec --initializer $<TARGET_FILE:${CPP_SEL4_CAPDL_INITIALIZER_TARGET}>
            --spec ${spec} --fill-dir ${fill_dir} -o ${elf} ${arg_ADD_SPEC_ARGS}
    DEPENDS ${spec} ${CPP_SEL4_CAPDL_INITIALIZER_TARGET} ${CPP_SEL4_CAPDL_TOOL} ${SEL4_GEN_CONFIG} ${arg_DEPENDS}
    COMMENT "Attaching the CapDL spec of ${name} to the initializer" VERBATIM)
  sel4_image(${name} ROOT_TASK_FILE ${elf})
endfunction()

# add_sel4_microkit_pd(<target> [RUNTIME c|cxx|cxx-minimal] <sources>...): a Microkit
# protection domain, <target>.elf. RUNTIME c (the default) links libmicrokit (its C API,
# microkit.h, with microkit.ld); cxx the C++ Handler API with exceptions, RTTI, a heap and the
# standard library (sel4/microkit.hpp); cxx-minimal the same API without those.
function(add_sel4_microkit_pd target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "RUNTIME" "")
  if(NOT CPP_SEL4_MICROKIT_BOARD)
    message(FATAL_ERROR "add_sel4_microkit_pd(${target}): world ${CPP_SEL4_WORLD} is not a Microkit world")
  endif()
  if(NOT arg_RUNTIME OR arg_RUNTIME STREQUAL "c")
    set(runtime ${CPP_SEL4_MICROKIT_C_PD})
  elseif(arg_RUNTIME STREQUAL "cxx")
    set(runtime ${CPP_SEL4_MICROKIT_CXX_PD})
  elseif(arg_RUNTIME STREQUAL "cxx-minimal")
    set(runtime ${CPP_SEL4_MICROKIT_CXX_PD_MINIMAL})
  else()
    message(FATAL_ERROR "add_sel4_microkit_pd(${target}): RUNTIME is c, cxx or cxx-minimal, not '${arg_RUNTIME}'")
  endif()
  add_executable(${target} ${arg_UNPARSED_ARGUMENTS})
  set_target_properties(${target} PROPERTIES SUFFIX .elf)
  target_link_libraries(${target} PRIVATE ${runtime})
endfunction()

# add_sel4_microkit_system(<name> SYSTEM <file.system> PDS <target>... [SEARCH_PATH <dir>...]
#                          [DEPENDS <file>...] [QEMU_ARGS <arg>...])
# The target <name> builds the Microkit system with the SDK's tool (sel4-microkit, as
# `microkit <file.system> --board <board> --config debug`), finding the program images of the
# PDS targets (and prefill files in SEARCH_PATH): <name>/loader.img, report.txt, report.json and
# the CapDL spec spec.json. It is an image for sel4_qemu_run and add_sel4_qemu_test, and
# <name>-run boots it (with QEMU_ARGS: the devices its drivers need).
function(add_sel4_microkit_system name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "SYSTEM" "PDS;SEARCH_PATH;DEPENDS;QEMU_ARGS")
  if(NOT arg_SYSTEM)
    message(FATAL_ERROR "add_sel4_microkit_system(${name}): SYSTEM <file.system> is required")
  endif()
  get_filename_component(system ${arg_SYSTEM} ABSOLUTE)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(image ${dir}/loader.img)
  set(search_path ${arg_SEARCH_PATH})
  foreach(pd IN LISTS arg_PDS)
    list(APPEND search_path $<TARGET_FILE_DIR:${pd}>)
  endforeach()
  set(outputs ${image} ${dir}/report.txt)
  if(CPP_SEL4_BOOT STREQUAL "loader")
    set(boot -kernel ${image})
  else()
    list(APPEND outputs ${dir}/sel4_32.elf)
    set(boot -kernel ${dir}/sel4_32.elf -initrd ${image})
  endif()
  add_custom_command(OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${CMAKE_COMMAND} -E env MICROKIT_SDK=${CPP_SEL4_MICROKIT_SDK} ${CPP_SEL4_MICROKIT_SDK}/bin/microkit
            ${system} --board ${CPP_SEL4_MICROKIT_BOARD} --config debug --image-type elf --search-path ${search_path}
            -o ${image} -r ${dir}/report.txt --report-json ${dir}/report.json --capdl-json ${dir}/spec.json
    DEPENDS ${system} ${arg_PDS} ${arg_DEPENDS} ${CPP_SEL4_MICROKIT_SDK_TARGET}
    COMMENT "Building the Microkit system ${name}" COMMAND_EXPAND_LISTS VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${outputs})
  set_target_properties(${name} PROPERTIES SEL4_IMAGE_FILE ${image} SEL4_QEMU_BOOT_ARGS "${boot}")
  sel4_qemu_run(${name}-run IMAGE ${name} QEMU_ARGS ${arg_QEMU_ARGS})
endfunction()

# The QEMU command line that boots <image> (made by sel4_image) on this world's machine.
function(cpp_sel4_boot_command out image)
  set(${out} ${CPP_SEL4_QEMU_COMMAND} $<TARGET_GENEX_EVAL:${image},$<TARGET_PROPERTY:${image},SEL4_QEMU_BOOT_ARGS>>
      PARENT_SCOPE)
endfunction()

# sel4_qemu_run(<name> IMAGE <image> [QEMU_ARGS <arg>...]): the target <name> boots the image
# made by sel4_image in QEMU, with the serial console on the terminal (Ctrl-C quits).
function(sel4_qemu_run name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "IMAGE" "QEMU_ARGS")
  if(NOT arg_IMAGE)
    message(FATAL_ERROR "sel4_qemu_run(${name}): IMAGE <sel4_image target> is required")
  endif()
  cpp_sel4_boot_command(boot ${arg_IMAGE})
  add_custom_target(${name}
    COMMAND ${boot} ${arg_QEMU_ARGS}
    USES_TERMINAL COMMAND_EXPAND_LISTS
    COMMENT "Booting ${arg_IMAGE} on seL4 in QEMU (Ctrl-C quits)")
  add_dependencies(${name} ${arg_IMAGE})
endfunction()

# sel4_skipped_test(<name>): a test that reports itself skipped, naming the missing kernel.
function(sel4_skipped_test name)
  add_test(NAME ${name} COMMAND sh -c "echo \"SKIPPED: $1\"; exit 77" sh "${CPP_SEL4_KERNEL_MISSING_MESSAGE}")
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS qemu)
endfunction()

# add_sel4_qemu_test(NAME <area>.<name> ROOT_TASK <target> | IMAGE <image> [TIMEOUT <s>]
#                    [SUCCESS <line>] [EXPECT_FAILURE <regex>] [QEMU_ARGS <arg>...]
#                    [RUNNER_ARGS <arg>...] [WRAPPER <command>...])
# Boots the root task (through an image of its own) or an image made by sel4_image in QEMU
# under sel4-qemu-run. The test passes on the program's success line "cpp-sel4: test passed"
# (or on SUCCESS, e.g. the runtime's "cpp-sel4: root task exited with status 0"). With
# EXPECT_FAILURE the runner must instead fail with a reason matching <regex>, within the
# timeout, and leave no QEMU behind. QEMU_ARGS are added to QEMU's command line, RUNNER_ARGS
# to sel4-qemu-run's (e.g. --allow-monitor-errors, for a test that checks them). A WRAPPER
# command runs the runner (its arguments follow the wrapper's) and checks more. Without a kernel the test is reported as skipped.
function(add_sel4_qemu_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;ROOT_TASK;IMAGE;TIMEOUT;SUCCESS;EXPECT_FAILURE" "QEMU_ARGS;RUNNER_ARGS;WRAPPER")
  if(NOT arg_NAME MATCHES "^[a-z0-9_-]+\\.[a-z0-9_-]+$")
    message(FATAL_ERROR "On-target test name '${arg_NAME}' is not of the form <area>.<name>")
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 60)
  endif()

  if(NOT CPP_SEL4_KERNEL_FOUND)
    sel4_skipped_test(${arg_NAME})
    return()
  endif()

  if(NOT arg_IMAGE)
    set(arg_IMAGE ${arg_NAME}-image)
    sel4_image(${arg_IMAGE} ROOT_TASK ${arg_ROOT_TASK})
  endif()
  cpp_sel4_boot_command(boot ${arg_IMAGE})
  list(APPEND boot ${arg_QEMU_ARGS})
  set(run ${CPP_SEL4_QEMU_RUNNER} --timeout ${arg_TIMEOUT} ${arg_RUNNER_ARGS})
  if(arg_SUCCESS)
    list(APPEND run --success ${arg_SUCCESS})
  endif()
  if(arg_EXPECT_FAILURE)
    add_test(NAME ${arg_NAME}
      COMMAND sh ${CPP_SEL4_SCRIPTS_DIR}/expect-failure.sh "${arg_EXPECT_FAILURE}" ${arg_TIMEOUT} ${run} -- ${boot}
      COMMAND_EXPAND_LISTS)
  else()
    add_test(NAME ${arg_NAME} COMMAND ${arg_WRAPPER} ${run} -- ${boot} COMMAND_EXPAND_LISTS)
  endif()
  math(EXPR ctest_timeout "${arg_TIMEOUT} + 30")
  set_tests_properties(${arg_NAME} PROPERTIES LABELS qemu TIMEOUT ${ctest_timeout})
endfunction()
