# cpp-sel4's own build of a world: loads the world's definition, finds and checks its
# installed kernel, builds the host tools, and brings in the functions that build root tasks
# and register on-target tests (Sel4Functions.cmake, the same ones the installed package has).
include_guard(GLOBAL)
include(ExternalProject)
include(${CMAKE_CURRENT_LIST_DIR}/Sel4WorldDefinition.cmake)

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
include(${CMAKE_CURRENT_LIST_DIR}/Sel4Kernel.cmake)

# --- Host tools, built with the host compiler --------------------------------
# Each world builds them as a project of their own (host-tools/), unless CPP_SEL4_HOST_BUILD
# names a build of the host preset: then the world uses that build's tools and has them built
# there, once for all worlds (scripts/test.sh and setup.sh do this).
set(CPP_SEL4_HOST_BUILD "" CACHE PATH "A build of the host preset whose tools this world uses (built there)")
if(CPP_SEL4_HOST_BUILD)
  set(CPP_SEL4_HOST_TOOLS_DIR ${CPP_SEL4_HOST_BUILD}/tools)
else()
  set(CPP_SEL4_HOST_TOOLS_DIR ${CMAKE_BINARY_DIR}/host-tools)
endif()
set(CPP_SEL4_HOST_TOOLS_TARGET host-tools)
set(CPP_SEL4_QEMU_RUNNER ${CPP_SEL4_HOST_TOOLS_DIR}/qemu-runner/sel4-qemu-run)
set(CPP_SEL4_IMAGE_TOOL ${CPP_SEL4_HOST_TOOLS_DIR}/image-tool/sel4-image)
set(CPP_SEL4_SYMBOLIZER ${CPP_SEL4_HOST_TOOLS_DIR}/symbolizer/sel4-symbolize)
set(CPP_SEL4_EMBED_SYMBOLS ${CPP_SEL4_HOST_TOOLS_DIR}/symtab/sel4-embed-symbols)
set(CPP_SEL4_BINDGEN ${CPP_SEL4_HOST_TOOLS_DIR}/sel4-bindgen/sel4-bindgen)
set(CPP_SEL4_CAPDL_TOOL ${CPP_SEL4_HOST_TOOLS_DIR}/capdl/sel4-capdl)
set(CPP_SEL4_CMATH_REFERENCE ${CPP_SEL4_HOST_TOOLS_DIR}/cmath-reference/cmath-reference)
set(CPP_SEL4_CAPDL_TEST_SYSTEMS ${CPP_SEL4_HOST_TOOLS_DIR}/tests-capdl-generator/capdl-test-systems)
set(CPP_SEL4_CAPDL_EXAMPLE_SYSTEM ${CPP_SEL4_HOST_TOOLS_DIR}/examples-capdl-generator/capdl-example-system)
# What the installed package offers a user's project; cmath-reference and the CapDL
# generators only serve the project's own tests and examples.
set(CPP_SEL4_INSTALLED_TOOLS ${CPP_SEL4_QEMU_RUNNER} ${CPP_SEL4_IMAGE_TOOL} ${CPP_SEL4_SYMBOLIZER}
    ${CPP_SEL4_EMBED_SYMBOLS} ${CPP_SEL4_BINDGEN} ${CPP_SEL4_CAPDL_TOOL})
set(CPP_SEL4_MICROKIT_BUILDER ${CPP_SEL4_HOST_TOOLS_DIR}/microkit/sel4-microkit)
set(host_tool_files ${CPP_SEL4_INSTALLED_TOOLS} ${CPP_SEL4_CMATH_REFERENCE} ${CPP_SEL4_CAPDL_TEST_SYSTEMS}
    ${CPP_SEL4_CAPDL_EXAMPLE_SYSTEM} ${CPP_SEL4_MICROKIT_BUILDER})
if(CPP_SEL4_HOST_BUILD)
  add_custom_target(host-tools
    COMMAND ${CMAKE_COMMAND} --build ${CPP_SEL4_HOST_BUILD} --target sel4-qemu-run sel4-image sel4-symbolize
            sel4-embed-symbols sel4-bindgen sel4-capdl cmath-reference capdl-test-systems capdl-example-system
            sel4-microkit
    BYPRODUCTS ${host_tool_files}
    COMMENT "Building the host tools in ${CPP_SEL4_HOST_BUILD}"
    USES_TERMINAL)
else()
  ExternalProject_Add(host-tools
    SOURCE_DIR ${PROJECT_SOURCE_DIR}/tools
    BINARY_DIR ${CPP_SEL4_HOST_TOOLS_DIR}
    CMAKE_ARGS -DCMAKE_BUILD_TYPE=Release -DCPP_SEL4_TOOLS_TESTS=OFF
    CMAKE_GENERATOR ${CMAKE_GENERATOR}
    BUILD_ALWAYS ON
    INSTALL_COMMAND ""
    BUILD_BYPRODUCTS ${host_tool_files}
    USES_TERMINAL_BUILD ON)
endif()

set(CPP_SEL4_SCRIPTS_DIR ${CMAKE_CURRENT_LIST_DIR}/scripts)
if(CPP_SEL4_BOOT STREQUAL "loader")
  set(CPP_SEL4_LOADER_TARGET kernel-loader)
endif()
set(CPP_SEL4_CAPDL_INITIALIZER_TARGET capdl-initializer)
# The Microkit PD runtimes: libmicrokit's C API, the C++ Handler API with and without
# exceptions and heap (libs/microkit).
set(CPP_SEL4_MICROKIT_C_PD microkit-pd)
set(CPP_SEL4_MICROKIT_CXX_PD sel4-microkit-pd)
set(CPP_SEL4_MICROKIT_CXX_PD_MINIMAL sel4-microkit-pd-minimal)
include(${CMAKE_CURRENT_LIST_DIR}/Sel4Functions.cmake)

# cpp_sel4_public_headers(<target> <PUBLIC|INTERFACE> <dir>...): the target's users include
# <dir>s here and the installed include/ directory beneath an installed package, where the
# install (Sel4Install.cmake) copies them.
function(cpp_sel4_public_headers target scope)
  foreach(dir IN LISTS ARGN)
    get_filename_component(dir ${dir} ABSOLUTE)
    target_include_directories(${target} ${scope} $<BUILD_INTERFACE:${dir}>)
    set_property(GLOBAL APPEND PROPERTY CPP_SEL4_PUBLIC_HEADER_DIRS ${dir})
  endforeach()
  target_include_directories(${target} ${scope} $<INSTALL_INTERFACE:include>)
endfunction()
