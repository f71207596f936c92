# The fuzz targets (fuzz/fuzz_*.c) without libFuzzer: test_fuzz_regressions replays fuzz/regressions and
# the seed corpora through them in every build, the sanitizer build included.
file(GLOB OPF_FUZZ_TARGET_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/fuzz/fuzz_*.c)
target_sources(test_fuzz_regressions PRIVATE ${OPF_FUZZ_TARGET_SOURCES} ${PROJECT_SOURCE_DIR}/fuzz/support.c)
target_include_directories(test_fuzz_regressions PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/fuzz)
target_compile_definitions(test_fuzz_regressions PRIVATE OPF_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
