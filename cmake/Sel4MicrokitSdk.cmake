# The Microkit SDK of a Microkit world, laid out as Microkit 2.3's SDK is, so that its tool and
# Makefiles find everything where they look:
#   bin/microkit (sel4-microkit), bin/sel4-image (which it runs)
#   board/<board>/debug/elf/{sel4.elf,loader.elf,initialiser.elf,monitor.elf}
#   board/<board>/debug/support/kernel.dtb (Arm and RISC-V: what sel4-image gives the kernel)
#   board/<board>/debug/include/ (microkit.h, libsel4's C headers, kernel/gen_config.{h,json})
#   board/<board>/debug/lib/{libmicrokit.a,microkit.ld}
# In the build tree at CPP_SEL4_MICROKIT_SDK (target microkit-sdk); installed beside the rest.
include_guard(GLOBAL)

set(CPP_SEL4_MICROKIT_SDK ${CMAKE_BINARY_DIR}/microkit-sdk)
# What a system built with it depends on: the target that lays it out, and its stamp file (so
# that a system is built again when the SDK changes).
set(CPP_SEL4_MICROKIT_SDK_TARGET microkit-sdk ${CPP_SEL4_MICROKIT_SDK}/sdk.stamp)
set(CPP_SEL4_MICROKIT_TOOL ${CPP_SEL4_MICROKIT_BUILDER})
set(board_dir ${CPP_SEL4_MICROKIT_SDK}/board/${CPP_SEL4_MICROKIT_BOARD}/debug)
set(elf_files $<TARGET_FILE:${CPP_SEL4_CAPDL_INITIALIZER_TARGET}> $<TARGET_FILE:microkit-monitor>)
set(copies
  COMMAND ${CMAKE_COMMAND} -E copy ${CPP_SEL4_MICROKIT_TOOL} ${CPP_SEL4_MICROKIT_SDK}/bin/microkit
  COMMAND ${CMAKE_COMMAND} -E copy ${CPP_SEL4_IMAGE_TOOL} ${CPP_SEL4_MICROKIT_SDK}/bin/sel4-image
  COMMAND ${CMAKE_COMMAND} -E copy ${SEL4_KERNEL_ELF} ${board_dir}/elf/sel4.elf
  COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:${CPP_SEL4_CAPDL_INITIALIZER_TARGET}> ${board_dir}/elf/initialiser.elf
  COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:microkit-monitor> ${board_dir}/elf/monitor.elf
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${SEL4_PREFIX}/libsel4/include ${board_dir}/include
  COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/libs/microkit/c/include/microkit.h ${board_dir}/include/
  COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:microkit> ${board_dir}/lib/libmicrokit.a
  COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/libs/microkit/c/microkit.ld ${board_dir}/lib/microkit.ld)
set(depends ${CPP_SEL4_CAPDL_INITIALIZER_TARGET} microkit-monitor microkit ${SEL4_KERNEL_ELF}
    ${PROJECT_SOURCE_DIR}/libs/microkit/c/include/microkit.h ${PROJECT_SOURCE_DIR}/libs/microkit/c/microkit.ld)
if(CPP_SEL4_BOOT STREQUAL "loader")
  list(APPEND copies
    COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:${CPP_SEL4_LOADER_TARGET}> ${board_dir}/elf/loader.elf
    COMMAND ${CMAKE_COMMAND} -E copy ${SEL4_DTB} ${board_dir}/support/kernel.dtb)
  list(APPEND depends ${CPP_SEL4_LOADER_TARGET})
endif()
add_custom_command(OUTPUT ${CPP_SEL4_MICROKIT_SDK}/sdk.stamp
  ${copies}
  COMMAND ${CMAKE_COMMAND} -E touch ${CPP_SEL4_MICROKIT_SDK}/sdk.stamp
  DEPENDS ${depends} ${CPP_SEL4_MICROKIT_TOOL} ${CPP_SEL4_IMAGE_TOOL} ${CPP_SEL4_HOST_TOOLS_TARGET}
  COMMENT "Laying out the Microkit SDK for ${CPP_SEL4_MICROKIT_BOARD}")
add_custom_target(microkit-sdk ALL DEPENDS ${CPP_SEL4_MICROKIT_SDK}/sdk.stamp)
add_dependencies(microkit-sdk ${CPP_SEL4_HOST_TOOLS_TARGET})

# The same in the installed SDK (libs/microkit/c installs include/ and lib/).
set(install_board_dir board/${CPP_SEL4_MICROKIT_BOARD}/debug)
install(PROGRAMS ${CPP_SEL4_MICROKIT_TOOL} DESTINATION bin RENAME microkit)
install(FILES ${SEL4_KERNEL_ELF} DESTINATION ${install_board_dir}/elf RENAME sel4.elf)
install(PROGRAMS $<TARGET_FILE:${CPP_SEL4_CAPDL_INITIALIZER_TARGET}> DESTINATION ${install_board_dir}/elf
        RENAME initialiser.elf)
install(PROGRAMS $<TARGET_FILE:microkit-monitor> DESTINATION ${install_board_dir}/elf RENAME monitor.elf)
if(CPP_SEL4_BOOT STREQUAL "loader")
  install(PROGRAMS $<TARGET_FILE:${CPP_SEL4_LOADER_TARGET}> DESTINATION ${install_board_dir}/elf RENAME loader.elf)
  install(FILES ${SEL4_DTB} DESTINATION ${install_board_dir}/support)
endif()
