/* Helpers of the security-finding formats (asff, ocsf). */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "report/export.h"
#include "report/report.h"

const char *opf_export_partition(const char *region)
{
    return strncmp(region, "cn-", 3) == 0       ? "aws-cn"
           : strncmp(region, "us-gov-", 7) == 0 ? "aws-us-gov"
                                                : "aws";
}

/* The account field of an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:...), when it is 12 digits. */
static bool s_arn_account(const char *arn, char out[13])
{
    const char *p = arn;
    if (strncmp(p, "arn:", 4) != 0)
        return false;
    for (int field = 0; field < 4; field++) {
        p = strchr(p, ':');
        if (!p)
            return false;
        p++;
    }
    if (strspn(p, "0123456789") != 12 || p[12] != ':')
        return false;
    memcpy(out, p, 12);
    out[12] = '\0';
    return true;
}

char *opf_export_account(const json_t *report, const json_t *row)
{
    const char *type = opf_report_str(row, "subject_type");
    char account[13];
    if (strcmp(type, "account") == 0)
        return strdup(opf_report_str(row, "subject_id"));
    if (strcmp(type, "operator-session") == 0 && s_arn_account(opf_report_str(row, "subject_id"), account))
        return strdup(account);
    return strdup(opf_report_str(json_object_get(report, "organization"), "management_account_id"));
}

char *opf_export_evidence_summary(const json_t *row)
{
    struct opf_buf b = {0};
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(row, "evidence"), i, e) {
        opf_buf_printf(&b, "%s%s", i ? "; " : "", opf_report_str(e, "item"));
        if (*opf_report_str(e, "source"))
            opf_buf_printf(&b, " from %s", opf_report_str(e, "source"));
        if (*opf_report_str(e, "collected_at"))
            opf_buf_printf(&b, " at %s", opf_report_str(e, "collected_at"));
        if (*opf_report_str(e, "error"))
            opf_buf_printf(&b, " failed: %s", opf_report_str(e, "error"));
    }
    if (b.len == 0)
        opf_buf_puts(&b, "none");
    return opf_buf_steal(&b);
}

json_t *opf_export_string(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return json_string(s);
    static const char more[] = "...";
    size_t keep = max > sizeof(more) - 1 ? max - (sizeof(more) - 1) : 0;
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
        keep--; /* never split a multi-byte character */
    char *cut = malloc(keep + sizeof(more));
    if (!cut)
        return NULL;
    memcpy(cut, s, keep);
    memcpy(cut + keep, more, sizeof(more));
    json_t *v = json_string(cut);
    free(cut);
    return v;
}
