# cmake -DCASE=<case> -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch> -P check-world-configure.cmake
#   missing-kernel:  world x86_64 with no kernel at SEL4_PREFIX configures, and its
#                    on-target tests skip with a message naming the path.
#   kernel-mismatch: a kernel configured for another world is a configure error
#                    naming the option, the value found and the value expected.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(prefix ${WORK_DIR}/sel4-prefix)

function(configure_world result_var output_var)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env SEL4_PREFIX=${prefix}
            ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G Ninja -DCPP_SEL4_WORLD=x86_64
            -DCMAKE_TOOLCHAIN_FILE=${SOURCE_DIR}/cmake/toolchain/x86_64.cmake
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${result_var} ${result} PARENT_SCOPE)
  set(${output_var} "${out}${err}" PARENT_SCOPE)
endfunction()

function(expect text haystack what)
  string(FIND "${haystack}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: expected to find '${text}' in:\n${haystack}")
  endif()
endfunction()

if(CASE STREQUAL "missing-kernel")
  configure_world(result output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "configure without a kernel failed:\n${output}")
  endif()
  expect("${prefix}" "${output}" "configure warning")
  execute_process(COMMAND ${CMAKE_CTEST_COMMAND} -L qemu -V
                  WORKING_DIRECTORY ${WORK_DIR}/build RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "ctest of a world without kernel failed (${result}):\n${out}${err}")
  endif()
  expect("SKIPPED: no seL4 kernel for world x86_64 at ${prefix}" "${out}" "skip message")
  expect("KernelFSGSBase=msr" "${out}" "skip message names the kernel options")
  expect("root-task.smoke" "${out}" "smoke test listed")
  expect("***Skipped" "${out}" "ctest's skip verdict")
  string(FIND "${out}" "Passed" passed_at)
  if(NOT passed_at EQUAL -1)
    message(FATAL_ERROR "an on-target test passed without a kernel:\n${out}")
  endif()
elseif(CASE STREQUAL "kernel-mismatch")
  # A kernel that is right for x86_64 in all but MCS.
  file(WRITE ${prefix}/bin/kernel.elf "")
  file(WRITE ${prefix}/libsel4/include/kernel/gen_config.json [[{
    "SEL4_ARCH": "x86_64", "PLAT": "pc99", "KERNEL_MCS": true, "FSGSBASE_MSR": true,
    "SUPPORT_PCID": false, "FXSAVE": true, "VERIFICATION_BUILD": false, "DEBUG_BUILD": true,
    "PRINTING": true, "MAX_NUM_NODES": "1"
  }]])
  configure_world(result output)
  if(result EQUAL 0)
    message(FATAL_ERROR "configure with an MCS kernel for world x86_64 succeeded:\n${output}")
  endif()
  expect("option KernelIsMCS" "${output}" "mismatch error")
  expect("is 'ON', expected 'OFF'" "${output}" "mismatch error")
  expect("${prefix}" "${output}" "mismatch error")
else()
  message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()
message(STATUS "build.${CASE}: ok")
