# The AWS client test driver used by the integration tests.
add_executable(opf-aws-call ${PROJECT_SOURCE_DIR}/tests/aws_call.c)
target_include_directories(opf-aws-call PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(opf-aws-call PRIVATE orgpreflight_internal)
add_dependencies(orgpreflight-cli opf-aws-call)
