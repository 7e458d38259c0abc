# cpp-sel4 as an SDK: the cpp-sel4:: names of the libraries (aliases here, exported targets in
# the installed package), and what `cmake --install build/<world> --prefix <dir>` installs for
# this world: headers (with the generated ones), the libraries, the kernel loader, the host
# tools, the CMake package (lib/cmake/cpp-sel4) and a toolchain file
# (share/cpp-sel4/toolchain.cmake) for a user's project.
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

set(package_dir lib/cmake/cpp-sel4)
set(exported sel4 sel4-alloc libc-musl zlib-inflate runtime-string runtime-heap runtime-heap-no-exceptions runtime-libc
    runtime-start runtime-start-no-exceptions runtime-tls runtime-symbols runtime-threads
    runtime-threads-no-exceptions runtime-no-heap runtime-component sel4-root-task sel4-root-task-no-exceptions
    sel4-root-task-minimal sel4-component-minimal)
if(TARGET sel4-microkit-pd) # the Microkit worlds' PD runtimes (libs/microkit/cpp)
  list(APPEND exported microkit-pd-runtime microkit-pd-runtime-minimal sel4-microkit-pd sel4-microkit-pd-minimal)
endif()
foreach(lib log sync shared-memory queue microkit-message async block fat http tls lwip net) # libs/<lib>, where built
  if(TARGET sel4-${lib})
    list(APPEND exported sel4-${lib})
  endif()
endforeach()
foreach(target IN LISTS exported)
  string(REGEX REPLACE "^sel4-" "" name ${target}) # cpp-sel4::root-task, cpp-sel4::alloc, cpp-sel4::sel4
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  add_library(cpp-sel4::${name} ALIAS ${target})
endforeach()
if(TARGET microkit-pd) # libmicrokit (libs/microkit/c): cpp-sel4::microkit, cpp-sel4::microkit-c-pd
  set_target_properties(microkit PROPERTIES EXPORT_NAME microkit)
  set_target_properties(microkit-pd PROPERTIES EXPORT_NAME microkit-c-pd)
  add_library(cpp-sel4::microkit ALIAS microkit)
  add_library(cpp-sel4::microkit-c-pd ALIAS microkit-pd)
  install(TARGETS microkit microkit-pd EXPORT cpp-sel4-targets
          ARCHIVE DESTINATION board/${CPP_SEL4_MICROKIT_BOARD}/debug/lib COMPONENT microkit-sdk)
endif()
install(TARGETS ${exported} EXPORT cpp-sel4-targets ARCHIVE DESTINATION lib)
set(programs capdl-initializer)
if(CPP_SEL4_BOOT STREQUAL "loader")
  list(APPEND programs kernel-loader)
endif()
install(TARGETS ${programs} EXPORT cpp-sel4-targets RUNTIME DESTINATION lib/cpp-sel4)
install(EXPORT cpp-sel4-targets NAMESPACE cpp-sel4:: DESTINATION ${package_dir} FILE cpp-sel4Targets.cmake)

get_property(header_dirs GLOBAL PROPERTY CPP_SEL4_PUBLIC_HEADER_DIRS)
list(REMOVE_DUPLICATES header_dirs)
foreach(dir IN LISTS header_dirs)
  install(DIRECTORY ${dir}/ DESTINATION include)
endforeach()
install(PROGRAMS ${CPP_SEL4_INSTALLED_TOOLS} DESTINATION bin)

# The package: the world's definition, the kernel check and the functions, as this build uses them.
set(cmake_dir ${PROJECT_SOURCE_DIR}/cmake)
install(FILES ${cmake_dir}/Sel4WorldDefinition.cmake ${cmake_dir}/Sel4Kernel.cmake ${cmake_dir}/Sel4Functions.cmake
        DESTINATION ${package_dir})
install(FILES ${cmake_dir}/worlds/${CPP_SEL4_WORLD}.cmake DESTINATION ${package_dir}/worlds)
install(DIRECTORY ${cmake_dir}/platforms ${cmake_dir}/scripts DESTINATION ${package_dir} USE_SOURCE_PERMISSIONS)
configure_package_config_file(${cmake_dir}/cpp-sel4Config.cmake.in ${CMAKE_BINARY_DIR}/package/cpp-sel4Config.cmake
                              INSTALL_DESTINATION ${package_dir})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/cpp-sel4ConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/package/cpp-sel4Config.cmake ${CMAKE_BINARY_DIR}/package/cpp-sel4ConfigVersion.cmake
        DESTINATION ${package_dir})

# The toolchain file: the world's compilers and flags, and where the package is.
install(FILES ${cmake_dir}/toolchain/${CPP_SEL4_ARCH}.cmake ${cmake_dir}/toolchain/common.cmake
        DESTINATION share/cpp-sel4/toolchain)
configure_file(${cmake_dir}/toolchain.cmake.in ${CMAKE_BINARY_DIR}/package/toolchain.cmake @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/package/toolchain.cmake DESTINATION share/cpp-sel4)
