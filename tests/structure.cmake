# The shape of the library and of the code: the shared library exports exactly the committed public API
# (scripts/check-abi.sh), the files of src/, checks/ and include/ depend on each other without circles
# or broken layers (scripts/include-graph.py), no source file of src/ or checks/ is over 600 lines
# (scripts/file-size.py), and the engine and the runbook name no check (scripts/check-ids.py).
add_test(NAME structure/abi_symbols
         COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/check-abi.sh $<TARGET_FILE:orgpreflight>
                 ${PROJECT_SOURCE_DIR}/include/orgpreflight/liborgpreflight.symbols)
add_test(NAME structure/include_graph COMMAND ${OPF_PYTHON} ${PROJECT_SOURCE_DIR}/scripts/include-graph.py
         ${PROJECT_SOURCE_DIR})
add_test(NAME structure/file_size COMMAND ${OPF_PYTHON} ${PROJECT_SOURCE_DIR}/scripts/file-size.py
         ${PROJECT_SOURCE_DIR})
add_test(NAME structure/check_ids COMMAND ${OPF_PYTHON} ${PROJECT_SOURCE_DIR}/scripts/check-ids.py
         $<TARGET_FILE:orgpreflight-cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(structure/abi_symbols structure/include_graph structure/file_size structure/check_ids
                     PROPERTIES LABELS unit)
