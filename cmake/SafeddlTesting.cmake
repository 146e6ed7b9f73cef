# Helpers to declare tests that live beside the code they test.
#
# safeddl_unit_test(NAME SOURCES... LIBS ...)
#   Pure-logic tests: no server needed.
# safeddl_server_test(NAME [FULL_ONLY] SOURCES... LIBS ...)
#   Integration tests against a sandbox MariaDB server started by a ctest fixture (see
#   tests/CMakeLists.txt). Each is registered twice:
#     <name>        on the `sandbox` fixture: the friendly sandbox (FULL binlog row metadata,
#                   strict GTID, performance_schema on);
#     <name>_stock  on the `sandbox_stock` fixture: a server with stock settings
#                   (`safeddl sandbox up --stock`: binlog_row_metadata=NO_LOG, performance_schema
#                   off, latin1, ...), as users run it. SAFEDDL_TEST_STOCK=1 is set for it
#                   (testkit::StockServer()).
#   Tests find their server through SAFEDDL_TEST_SANDBOX, the JSON `safeddl sandbox up --json`
#   wrote. Each sandbox runs one test at a time (RESOURCE_LOCK), so one test on each may run in
#   parallel. FULL_ONLY registers only <name>: for a test that cannot run on a stock server by
#   its nature — say why where it is declared, and use it sparingly: every capability must be
#   tested on stock settings too.
#   SAFEDDL_TEST_STOCK_VARIANTS=OFF (cmake) leaves all <name>_stock tests out.
#   Under the sanitizers (SAFEDDL_SANITIZE), FULL_ONLY tests are left out too: they start
#   sandboxes of their own, so most of their time is servers starting, and the normal pass runs
#   them. That keeps a full CI run on a new machine under half an hour.

# Test code waits on servers and spawns processes: it is compiled without optimization in every
# build type, which halves the build's time (the code under test keeps the build type's flags),
# and without the sanitizers' instrumentation (SAFEDDL_TEST_CODE, see CMakeLists.txt).
set(SAFEDDL_TEST_COMPILE_OPTIONS $<$<NOT:$<CONFIG:Debug>>:-O0>)

option(SAFEDDL_TEST_STOCK_VARIANTS
       "Also run every server test against a sandbox with stock server settings" ON)

# Where the stock fixture's sandbox lives and describes itself (beside SAFEDDL_TEST_SANDBOX_DIR).
set(SAFEDDL_TEST_STOCK_SANDBOX_DIR ${CMAKE_BINARY_DIR}/test-sandbox-stock)
set(SAFEDDL_TEST_STOCK_SANDBOX_FILE ${SAFEDDL_TEST_STOCK_SANDBOX_DIR}/ctest-stock.json)

function(safeddl_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT SAFEDDL_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${SAFEDDL_TEST_COMPILE_OPTIONS})
  set_target_properties(${name} PROPERTIES SAFEDDL_TEST_CODE ON)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main safeddl_flags)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 300)
endfunction()

function(safeddl_server_test name)
  cmake_parse_arguments(ARG "FULL_ONLY;ALONE" "" "SOURCES;LIBS" ${ARGN})
  # ALONE: timing-bound tests (a kill at a point of the copy, a cut-over under writes) run with
  # no other test beside them (RUN_SERIAL: not even a fixture's server starting or stopping, which
  # takes a core of the two for seconds), and hold both sandboxes' locks.
  if(ARG_ALONE)
    set(full_lock "sandbox_server;sandbox_stock_server")
    set(stock_lock "sandbox_server;sandbox_stock_server")
  else()
    set(full_lock sandbox_server)
    set(stock_lock sandbox_stock_server)
  endif()
  if(NOT SAFEDDL_BUILD_TESTS OR (ARG_FULL_ONLY AND SAFEDDL_SANITIZE))
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${SAFEDDL_TEST_COMPILE_OPTIONS})
  set_target_properties(${name} PROPERTIES SAFEDDL_TEST_CODE ON)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} safeddl_testkit GTest::gtest GTest::gtest_main
                                        safeddl_flags)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    LABELS "server;full"
    TIMEOUT 900
    FIXTURES_REQUIRED sandbox
    RESOURCE_LOCK "${full_lock}"
    ENVIRONMENT "SAFEDDL_TEST_SANDBOX=${SAFEDDL_TEST_SANDBOX_FILE};SAFEDDL_BIN=$<TARGET_FILE:safeddl>")
  set_tests_properties(${name} PROPERTIES RUN_SERIAL ${ARG_ALONE})
  if(ARG_FULL_ONLY OR NOT SAFEDDL_TEST_STOCK_VARIANTS)
    return()
  endif()
  add_test(NAME ${name}_stock COMMAND ${name})
  set_tests_properties(${name}_stock PROPERTIES
    LABELS "server;stock"
    TIMEOUT 900
    FIXTURES_REQUIRED sandbox_stock
    RESOURCE_LOCK "${stock_lock}"
    ENVIRONMENT
      "SAFEDDL_TEST_SANDBOX=${SAFEDDL_TEST_STOCK_SANDBOX_FILE};SAFEDDL_TEST_STOCK=1;SAFEDDL_BIN=$<TARGET_FILE:safeddl>")
  set_tests_properties(${name}_stock PROPERTIES RUN_SERIAL ${ARG_ALONE})
endfunction()
