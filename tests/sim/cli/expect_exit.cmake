# Runs COMMAND with ARGUMENTS ('|'-separated) and fails unless it exits with EXPECTED.
#   cmake -DCOMMAND=phonesim "-DARGUMENTS=profile|inspect" -DEXPECTED=2 -P expect_exit.cmake
string(REPLACE "|" ";" arguments "${ARGUMENTS}")
execute_process(COMMAND ${COMMAND} ${arguments} RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
if(NOT status STREQUAL EXPECTED)
  message(FATAL_ERROR "'${COMMAND} ${arguments}' exited with ${status}, expected ${EXPECTED}")
endif()
