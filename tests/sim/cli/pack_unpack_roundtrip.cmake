# `phonesim profile pack` then `unpack`, for each layer combination and both digests, must give
# back INPUT byte for byte.
#   cmake -DPHONESIM=build/bin/phonesim -DINPUT=scenarios/guide/basic.txt -DWORK_DIR=DIR \
#         -P pack_unpack_roundtrip.cmake
cmake_minimum_required(VERSION 3.25)  # IN_LIST, list(POP_FRONT)
file(MAKE_DIRECTORY ${WORK_DIR})
set(key "Roundtrip-Key")
# NAME|PACK-OPTION|...; unpack gets --key whenever pack had one.
set(cases
  "plain"
  "gzip|--gzip"
  "enc_sha256|--key|${key}"
  "gzip_enc_sha256|--gzip|--key|${key}|--md|sha256"
  "enc_md5|--key|${key}|--md|md5"
  "gzip_enc_md5|--gzip|--key|${key}|--md|md5|--salt|0123456789abcdef")
foreach(case IN LISTS cases)
  string(REPLACE "|" ";" case "${case}")
  list(POP_FRONT case name)
  set(packed ${WORK_DIR}/${name}.cfg)
  set(unpacked ${WORK_DIR}/${name}.xml)
  file(REMOVE ${packed} ${unpacked})
  set(unpack_options "")
  if("--key" IN_LIST case)
    set(unpack_options --key ${key})
  endif()
  execute_process(COMMAND ${PHONESIM} profile pack ${INPUT} -o ${packed} ${case}
                  RESULT_VARIABLE status ERROR_VARIABLE messages)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${name}: pack exited with ${status}: ${messages}")
  endif()
  execute_process(COMMAND ${PHONESIM} profile unpack ${packed} -o ${unpacked} ${unpack_options}
                  RESULT_VARIABLE status ERROR_VARIABLE messages)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${name}: unpack exited with ${status}: ${messages}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${INPUT} ${unpacked}
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${name}: ${unpacked} differs from ${INPUT}")
  endif()
  string(STRIP "${messages}" messages)
  message(STATUS "${name}: pack and unpack give the input back (${messages})")
endforeach()
