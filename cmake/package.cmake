# The Debian package (cpack -G DEB, from the build directory): everything `cmake --install` puts under /usr.
set(CPACK_PACKAGE_NAME orgpreflight)
set(CPACK_PACKAGE_VENDOR orgpreflight)
set(CPACK_PACKAGE_CONTACT "orgpreflight maintainers <orgpreflight@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Audits an AWS Organization before its accounts move to another organization")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
# The runtime libraries of Debian 12 that liborgpreflight and the CLI link (the -dev packages of
# scripts/install-deps.sh build against them), and the CA certificates live audits verify TLS with.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.36), libcurl4 (>= 7.88), libssl3 (>= 3.0), libjansson4 (>= 2.14), \
libexpat1 (>= 2.5), libc-ares2 (>= 1.18), ca-certificates")
include(CPack)
