/* What the security-finding formats (asff, ocsf) share: the AWS context of a row and its evidence in words. */
#ifndef OPF_REPORT_EXPORT_H
#define OPF_REPORT_EXPORT_H

#include <jansson.h>
#include <orgpreflight/export.h>

/* The AWS partition of a region: aws-cn for cn-*, aws-us-gov for us-gov-*, else aws. */
const char *opf_export_partition(const char *region);

/* The AWS account a row is about: the account itself, the operator session's account (from its ARN), else the
 * audited organization's management account. Caller frees. */
OPF_MUST_USE char *opf_export_account(const json_t *report, const json_t *row);

/* The row's evidence in one line: "ITEM from SOURCE at TIME" per item ("... failed: ERROR" for an item that
 * could not be collected), "; " between them, "none" without evidence. Caller frees. */
OPF_MUST_USE char *opf_export_evidence_summary(const json_t *row);

/* A JSON string of at most max bytes of s, cut at a UTF-8 character boundary with "..." when cut. */
OPF_MUST_USE json_t *opf_export_string(const char *s, size_t max);

#endif
