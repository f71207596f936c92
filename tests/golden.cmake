# Golden outputs (tests/golden/golden.py): every report format and the runbook of the committed bundles stay
# byte-identical, the run's duration aside. An intended change is recorded with `golden.py --update`.
add_test(NAME golden/reports
         COMMAND ${OPF_PYTHON} ${PROJECT_SOURCE_DIR}/tests/golden/golden.py --cli $<TARGET_FILE:orgpreflight-cli>
                 --plugins ${PROJECT_BINARY_DIR}/plugins)
set_tests_properties(golden/reports PROPERTIES ENVIRONMENT "${OPF_TEST_ENV}" LABELS unit TIMEOUT 300)
