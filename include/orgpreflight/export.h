/* How the public headers mark the library's API: the library is built with hidden visibility, so only what
 * OPF_API marks is exported (the list: include/orgpreflight/liborgpreflight.symbols); OPF_MUST_USE marks a
 * result that must be checked (a status, or a new reference the caller owns). */
#ifndef ORGPREFLIGHT_EXPORT_H
#define ORGPREFLIGHT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define OPF_API __attribute__((visibility("default")))
#define OPF_MUST_USE __attribute__((warn_unused_result))
#else
#define OPF_API
#define OPF_MUST_USE
#endif

#endif
