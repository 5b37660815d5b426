# 32-bit ARM Linux, hard float (armhf): catches 32-bit size_t and unsigned-char bugs.
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(PHONESIM_TARGET_NAME armhf)
set(PHONESIM_TARGET_TRIPLE arm-linux-gnueabihf)
set(PHONESIM_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
