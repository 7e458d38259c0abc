# C libraries that target code links (musl now; lwIP, mbedTLS, zlib later) come from Debian's
# source packages at pinned versions: downloaded once by apt-get into a shared directory, and
# unpacked by dpkg-source (which checks the files against the .dsc's checksums and applies
# Debian's patches) into the build directory at configure time. Nothing is committed, nothing
# is fetched from anywhere else.
include_guard(GLOBAL)

set(CPP_SEL4_DEBIAN_SOURCES_DIR "${CMAKE_SOURCE_DIR}/build/debian-sources" CACHE PATH
    "Where Debian source packages (.dsc and their tarballs) are downloaded, shared by all build directories")

# cpp_sel4_debian_source(<name> <version> <out-var>)
# Sets <out-var> to the unpacked source tree of Debian source package <name> at <version>
# (e.g. "1.2.3-1"; an epoch, "1:...", is not part of the file names).
function(cpp_sel4_debian_source name version out_var)
  string(REGEX REPLACE "^[0-9]+:" "" file_version "${version}")
  set(download_dir "${CPP_SEL4_DEBIAN_SOURCES_DIR}")
  set(dsc "${download_dir}/${name}_${file_version}.dsc")
  file(MAKE_DIRECTORY "${download_dir}")
  # Build directories configure at the same time (scripts/test.sh, CI): one download at a time.
  file(LOCK "${download_dir}/.lock" GUARD FUNCTION TIMEOUT 600)
  if(NOT EXISTS "${dsc}")
    message(STATUS "Downloading Debian source package ${name}=${version} into ${download_dir}")
    execute_process(COMMAND apt-get source --download-only "${name}=${version}"
                    WORKING_DIRECTORY "${download_dir}"
                    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(NOT result EQUAL 0 OR NOT EXISTS "${dsc}")
      message(FATAL_ERROR
        "Could not download Debian source package ${name}=${version} (apt-get source --download-only "
        "${name}=${version} in ${download_dir}):\n${output}\n"
        "It needs a deb-src entry for Debian 12 (bookworm) and an updated package list: run scripts/setup.sh.")
    endif()
  endif()

  set(source_dir "${CMAKE_BINARY_DIR}/debian-sources/${name}-${file_version}")
  set(stamp "${source_dir}.unpacked")
  if(NOT EXISTS "${stamp}" OR "${dsc}" IS_NEWER_THAN "${stamp}")
    # Unpacked beside the final place and renamed, so that an interrupted unpack leaves nothing
    # that looks complete.
    set(partial "${source_dir}.partial")
    file(REMOVE_RECURSE "${source_dir}" "${partial}")
    file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/debian-sources")
    execute_process(COMMAND dpkg-source --no-copy -x "${dsc}" "${partial}"
                    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
      file(REMOVE_RECURSE "${partial}")
      message(FATAL_ERROR "dpkg-source could not unpack ${dsc} (a checksum mismatch means a damaged "
                          "download: delete the package's files in ${download_dir} and configure again):\n${output}")
    endif()
    file(RENAME "${partial}" "${source_dir}")
    file(TOUCH "${stamp}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${dsc}")
  set(${out_var} "${source_dir}" PARENT_SCOPE)
endfunction()
