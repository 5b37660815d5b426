# Shared by the aarch64 and armhf toolchain files. Expects PHONESIM_TARGET_TRIPLE and
# PHONESIM_QEMU. The target's libraries live in a sysroot made by scripts/setup from Debian's
# arm64/armhf packages; libc comes from the Debian cross compiler in /usr/<triple>.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${PHONESIM_TARGET_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${PHONESIM_TARGET_TRIPLE}-g++)

if(NOT DEFINED PHONESIM_SYSROOT)
  if(DEFINED ENV{PHONESIM_SYSROOTS})
    set(PHONESIM_SYSROOT "$ENV{PHONESIM_SYSROOTS}/${PHONESIM_TARGET_NAME}")
  elseif(DEFINED ENV{XDG_CACHE_HOME})
    set(PHONESIM_SYSROOT "$ENV{XDG_CACHE_HOME}/phonesim/sysroots/${PHONESIM_TARGET_NAME}")
  else()
    set(PHONESIM_SYSROOT "$ENV{HOME}/.cache/phonesim/sysroots/${PHONESIM_TARGET_NAME}")
  endif()
endif()
if(NOT EXISTS "${PHONESIM_SYSROOT}/.phonesim-stamp")
  message(FATAL_ERROR "No ${PHONESIM_TARGET_NAME} sysroot at ${PHONESIM_SYSROOT}: run scripts/setup")
endif()

set(CMAKE_FIND_ROOT_PATH "${PHONESIM_SYSROOT}" "/usr/${PHONESIM_TARGET_TRIPLE}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_ARCHITECTURE ${PHONESIM_TARGET_TRIPLE})

set(PHONESIM_TARGET_LIBDIR "${PHONESIM_SYSROOT}/usr/lib/${PHONESIM_TARGET_TRIPLE}")
set(OPENSSL_ROOT_DIR "${PHONESIM_SYSROOT}/usr")
# Multiarch headers (openssl/configuration.h) live in include/<triple>, which the Debian cross
# compiler does not search in a foreign sysroot. Standard include directories are read on every
# configure (unlike *_FLAGS_INIT, which only seeds a new build tree's cache).
set(CMAKE_C_STANDARD_INCLUDE_DIRECTORIES "${PHONESIM_SYSROOT}/usr/include/${PHONESIM_TARGET_TRIPLE}")
set(CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES "${PHONESIM_SYSROOT}/usr/include/${PHONESIM_TARGET_TRIPLE}")
# Runtime: the linker and qemu find the sysroot's shared libraries (tinyxml2, libssl).
set(PHONESIM_TARGET_RUNTIME_LIBDIR "${PHONESIM_SYSROOT}/lib/${PHONESIM_TARGET_TRIPLE}")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-Wl,-rpath-link,${PHONESIM_TARGET_LIBDIR}:${PHONESIM_TARGET_RUNTIME_LIBDIR}")
set(CMAKE_CROSSCOMPILING_EMULATOR
    ${PHONESIM_QEMU} -L /usr/${PHONESIM_TARGET_TRIPLE} -E LD_LIBRARY_PATH=${PHONESIM_TARGET_LIBDIR}:${PHONESIM_TARGET_RUNTIME_LIBDIR})
