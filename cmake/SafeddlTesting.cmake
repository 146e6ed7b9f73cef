# Helpers to declare tests that live beside the code they test.
#
# safeddl_unit_test(NAME SOURCES... LIBS ...)
#   Pure-logic tests: no server needed.
# safeddl_server_test(NAME SOURCES... LIBS ...)
#   Integration tests against the sandbox MariaDB server that the `sandbox_up` fixture
#   starts (see tests/CMakeLists.txt). They find it through SAFEDDL_TEST_SANDBOX, the
#   JSON file that `safeddl sandbox up --json` wrote.

function(safeddl_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT SAFEDDL_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main safeddl_flags)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 300)
endfunction()

function(safeddl_server_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT SAFEDDL_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} safeddl_testkit GTest::gtest GTest::gtest_main
                                        safeddl_flags)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    LABELS server
    TIMEOUT 900
    FIXTURES_REQUIRED sandbox
    RESOURCE_LOCK sandbox_server
    ENVIRONMENT "SAFEDDL_TEST_SANDBOX=${SAFEDDL_TEST_SANDBOX_FILE};SAFEDDL_BIN=$<TARGET_FILE:safeddl>")
endfunction()
