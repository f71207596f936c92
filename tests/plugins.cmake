# Plugin modules the tests load: the example plugin; modules the registry must refuse (another major of the
# check ABI, older and newer; a newer minor; a taken id; an evidence key no provider gives); two of older minors
# it must load (one from before the runbook placement); and one that asks for the migration-hazard evidence
# whichever checks are built in.
foreach(plugin checks/examples/account_name_convention tests/plugins/wrong_abi tests/plugins/newer_major
       tests/plugins/newer_minor tests/plugins/older_minor tests/plugins/before_placement tests/plugins/duplicate_id
       tests/plugins/unknown_key tests/plugins/hazard_evidence)
  get_filename_component(name ${plugin} NAME)
  add_library(opf_plugin_${name} MODULE ${PROJECT_SOURCE_DIR}/${plugin}.c)
  set_target_properties(opf_plugin_${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
                        LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/plugins C_VISIBILITY_PRESET hidden)
  # A module reaches orgpreflight only through ctx->host: linking with no undefined symbol proves it needs
  # none of the process that loads it.
  target_include_directories(opf_plugin_${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(opf_plugin_${name} PRIVATE PkgConfig::JANSSON)
  if(NOT OPF_SANITIZE AND NOT OPF_TSAN)  # a sanitizer's runtime symbols come from the executable
    target_link_options(opf_plugin_${name} PRIVATE -Wl,-z,defs)
  endif()
  add_dependencies(orgpreflight-cli opf_plugin_${name})
endforeach()
