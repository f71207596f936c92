# Plugin modules the tests load: the example plugin, two modules the registry must refuse, and one that
# asks for the migration-hazard evidence whichever checks are built in.
foreach(plugin checks/examples/account_name_convention tests/plugins/wrong_abi tests/plugins/duplicate_id
       tests/plugins/hazard_evidence)
  get_filename_component(name ${plugin} NAME)
  add_library(opf_plugin_${name} MODULE ${PROJECT_SOURCE_DIR}/${plugin}.c)
  set_target_properties(opf_plugin_${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
                        LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/plugins)
  # Symbols resolve against the orgpreflight library the host process already loaded.
  target_include_directories(opf_plugin_${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(opf_plugin_${name} PRIVATE PkgConfig::JANSSON)
  add_dependencies(orgpreflight-cli opf_plugin_${name})
endforeach()
