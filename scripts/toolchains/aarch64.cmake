# 64-bit ARM Linux (arm64): cmake --preset aarch64, or -DCMAKE_TOOLCHAIN_FILE=this file.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(PHONESIM_TARGET_NAME aarch64)
set(PHONESIM_TARGET_TRIPLE aarch64-linux-gnu)
set(PHONESIM_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
