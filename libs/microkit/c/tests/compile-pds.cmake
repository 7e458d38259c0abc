# microkit.c-api-compile: builds PDs against libmicrokit the way a Microkit user's Makefile
# does (-ffreestanding -nostdlib, the SDK's headers, -lmicrokit -Tmicrokit.ld), with
# -Wall -Wextra -Werror, and checks the ELFs have what the system builder patches and calls.
#
#   cmake -DARCH= -DCC= -DCXX= -DNM= -DREADELF= -DTARGET_FLAGS= -DSOURCE_DIR= -DSEL4_INCLUDE=
#         -DLIBMICROKIT= -DLINKER_SCRIPT= -DCMAKE_PD= -DWORK_DIR= -P compile-pds.cmake
cmake_minimum_required(VERSION 3.25)

foreach(var ARCH CC CXX NM READELF SOURCE_DIR SEL4_INCLUDE LIBMICROKIT LINKER_SCRIPT CMAKE_PD WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "compile-pds.cmake: ${var} is not set")
  endif()
endforeach()
if(NOT EXISTS ${LIBMICROKIT})
  message(FATAL_ERROR "${LIBMICROKIT} is missing: build the target `microkit` first")
endif()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

set(flags ${TARGET_FLAGS} -ffreestanding -nostdlib -O2 -g -Wall -Wextra -Werror
    -I${SOURCE_DIR}/include -I${SEL4_INCLUDE})
if(ARCH STREQUAL "aarch64")
  list(APPEND flags -mstrict-align)
endif()
set(cxx_flags -fno-exceptions -fno-rtti -fno-threadsafe-statics)
# Microkit links with the compiler driver; the project's PDs also garbage-collect sections,
# which must not drop the patched symbols.
set(link_flags ${TARGET_FLAGS} -nostdlib -static -no-pie -Wl,--gc-sections -T${LINKER_SCRIPT})

function(run)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "failed (${rc}): ${command}\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# A link must be clean too: no warning (such as an executable stack).
function(link)
  run(${ARGN})
  if(run_output MATCHES "warning")
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "warnings from: ${command}\n${run_output}")
  endif()
endfunction()

# Every symbol the builder patches, with its size, and the entry points main.c calls.
set(patched microkit_name:64 microkit_passive:1 microkit_irqs:8 microkit_notifications:8 microkit_pps:8
    microkit_ioports:8)
set(placed_sections .text .eh_frame_hdr .eh_frame .gcc_except_table .note .init_array .fini_array .data.rel.ro .got
    .data .tdata .tbss .bss)
set(entry_points init notified protected fault _start main __sel4_ipc_buffer)

function(check_elf elf)
  run(${NM} -S --defined-only ${elf})
  set(symbols "${run_output}")
  foreach(entry IN LISTS patched)
    string(REPLACE ":" ";" entry ${entry})
    list(GET entry 0 name)
    list(GET entry 1 size)
    math(EXPR size_hex "${size}" OUTPUT_FORMAT HEXADECIMAL)
    string(REGEX MATCH "[0-9a-f]+ ([0-9a-f]+) ([A-Za-z]) ${name}\n" line "${symbols}")
    if(NOT line)
      message(FATAL_ERROR "${elf}: ${name} is not defined")
    endif()
    math(EXPR actual "0x${CMAKE_MATCH_1}")
    if(NOT actual EQUAL size)
      message(FATAL_ERROR "${elf}: ${name} has ${actual} bytes, the builder writes ${size}")
    endif()
    if(NOT CMAKE_MATCH_2 MATCHES "^[BbDd]$")
      message(FATAL_ERROR "${elf}: ${name} is of type ${CMAKE_MATCH_2}, not in .data or .bss")
    endif()
  endforeach()
  foreach(name IN LISTS entry_points)
    if(NOT symbols MATCHES " [A-Za-z] ${name}\n")
      message(FATAL_ERROR "${elf}: ${name} is not defined")
    endif()
  endforeach()
  # The user's protected() must have replaced the weak default: one strong definition.
  if(NOT symbols MATCHES " T protected\n")
    message(FATAL_ERROR "${elf}: `protected` is not the PD's (strong, global) definition")
  endif()
  run(${NM} ${elf})
  if(run_output MATCHES " U ([^\n]+)\n")
    message(FATAL_ERROR "${elf}: undefined symbol ${CMAKE_MATCH_1}")
  endif()
  # Microkit's layout: the entry at 0x200000, at the start of .text.
  string(REGEX MATCH "([0-9a-f]+) [A-Za-z] _start\n" line "${run_output}")
  math(EXPR start "0x${CMAKE_MATCH_1}")
  if(NOT start EQUAL 0x200000)
    message(FATAL_ERROR "${elf}: _start is at ${CMAKE_MATCH_1}, not 0x200000")
  endif()
  # Every loaded section is one that microkit.ld places, none an orphan put where ld guesses.
  run(${READELF} -SW ${elf})
  string(REPLACE "\n" ";" lines "${run_output}")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "^ *\\[ *[0-9]+\\] ")
      continue()
    endif()
    string(REGEX REPLACE "^ *\\[ *[0-9]+\\] +" "" line "${line}")
    separate_arguments(fields UNIX_COMMAND "${line}")
    list(LENGTH fields count)
    # name type address offset size entsize [flags] link info align
    if(count LESS 10)
      continue()
    endif()
    list(GET fields 0 section)
    list(GET fields 6 section_flags)
    if(section_flags MATCHES "A" AND NOT section IN_LIST placed_sections)
      message(FATAL_ERROR "${elf}: section ${section} is an orphan of microkit.ld")
    endif()
  endforeach()
endfunction()

# C, as Microkit's Makefiles have it (gnu11).
run(${CC} ${flags} -std=gnu11 -c ${SOURCE_DIR}/tests/pd.c -o pd-c.o)
link(${CC} ${link_flags} pd-c.o ${LIBMICROKIT} -o pd-c.elf)
check_elf(pd-c.elf)

# C++, each standard the project supports; the C++23 object is also linked.
foreach(std 17 20 23)
  run(${CXX} ${flags} ${cxx_flags} -std=c++${std} -c ${SOURCE_DIR}/tests/pd.cpp -o pd-cxx${std}.o)
endforeach()
link(${CXX} ${link_flags} pd-cxx23.o ${LIBMICROKIT} -o pd-cxx.elf)
check_elf(pd-cxx.elf)
# Its global constructor is in the list main() runs.
run(${NM} pd-cxx.elf)
string(REGEX MATCH "([0-9a-f]+) [A-Za-z] __init_array_start\n" line "${run_output}")
set(init_start ${CMAKE_MATCH_1})
string(REGEX MATCH "([0-9a-f]+) [A-Za-z] __init_array_end\n" line "${run_output}")
if(init_start STREQUAL CMAKE_MATCH_1)
  message(FATAL_ERROR "pd-cxx.elf: .init_array is empty: the C++ PD's constructor is missing")
endif()

# Unoptimised, as a PD built for debugging: nothing may need a C library (memset for a
# zeroed struct) or a C++ name libmicrokit lacks (libsel4's assertions, mangled in C++).
run(${CC} ${flags} -O0 -std=gnu11 -c ${SOURCE_DIR}/tests/pd.c -o pd-c-O0.o)
link(${CC} ${link_flags} pd-c-O0.o ${LIBMICROKIT} -o pd-c-O0.elf)
check_elf(pd-c-O0.elf)
run(${CXX} ${flags} ${cxx_flags} -O0 -std=c++20 -c ${SOURCE_DIR}/tests/pd.cpp -o pd-cxx-O0.o)
link(${CXX} ${link_flags} pd-cxx-O0.o ${LIBMICROKIT} -o pd-cxx-O0.elf)
check_elf(pd-cxx-O0.elf)

# The VT-x parts of the header and of main.c, which no world's kernel has: compiled only.
if(ARCH STREQUAL "x86_64")
  # (Only CONFIG_VTX: the 64-bit-guest calls change libsel4's generated types, which a define
  # cannot fake.)
  foreach(vtx "-DCONFIG_VTX=1")
    run(${CC} ${flags} ${vtx} -std=gnu11 -c ${SOURCE_DIR}/tests/pd.c -o pd-vtx-c.o)
    run(${CXX} ${flags} ${cxx_flags} ${vtx} -std=c++17 -c ${SOURCE_DIR}/tests/pd.cpp -o pd-vtx-cxx.o)
    run(${CC} ${flags} ${vtx} -std=gnu11 -c ${SOURCE_DIR}/src/main.c -o main-vtx.o)
  endforeach()
endif()

# The PD that CMake built with the target microkit-pd (CMakeLists.txt).
if(NOT EXISTS "${CMAKE_PD}")
  message(FATAL_ERROR "${CMAKE_PD} is missing: build the target `microkit-c-api-pd` first")
endif()
check_elf(${CMAKE_PD})

# Thread-local data has no place in a PD: the linker script refuses it.
file(WRITE ${WORK_DIR}/tls.c "_Thread_local int tls_counter = 1;\nint *tls_address(void) { return &tls_counter; }\n")
execute_process(COMMAND ${CC} ${flags} -std=gnu11 -c tls.c -o tls.o WORKING_DIRECTORY ${WORK_DIR})
execute_process(COMMAND ${CC} ${link_flags} -Wl,-u,tls_address tls.o pd-c.o ${LIBMICROKIT} -o tls.elf
                WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0 OR NOT out MATCHES "no thread-local storage")
  message(FATAL_ERROR "a PD with thread-local data linked (or failed for another reason):\n${out}")
endif()

message(STATUS "microkit C API: C and C++ (17, 20, 23) PDs compiled and linked for ${ARCH}")
