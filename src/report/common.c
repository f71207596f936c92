/* What several report writers share: reading rows, walking them subject by subject, escaping markup. */
#include <string.h>

#include <orgpreflight/orgpreflight.h>

#include "core/core.h"
#include "report/report.h"

const char *const opf_report_statuses[] = {"pass", "warn", "fail", "unknown", "skipped", "waived", NULL};

const char *opf_report_str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

bool opf_report_status_is(const json_t *row, const char *status)
{
    return strcmp(opf_report_str(row, "status"), status) == 0;
}

bool opf_report_is_problem(const json_t *row)
{
    return opf_report_status_is(row, "fail") || opf_report_status_is(row, "warn") ||
           opf_report_status_is(row, "unknown");
}

bool opf_report_waiver_expired(const json_t *row)
{
    return json_is_true(json_object_get(json_object_get(row, "waiver"), "expired"));
}

long long opf_report_count(const json_t *report, const char *status)
{
    return json_integer_value(json_object_get(json_object_get(json_object_get(report, "summary"), "counts"), status));
}

const char *opf_report_verdict_reason(const char *verdict)
{
    return strcmp(verdict, "ready") == 0       ? "no fail and no unknown at or above the gate"
           : strcmp(verdict, "not-ready") == 0 ? "a fail at or above the gate"
                                               : "an unknown at or above the gate, or incomplete evidence";
}

const json_t *opf_report_account(const json_t *report, const char *id)
{
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(report, "accounts"), i, a) {
        if (strcmp(opf_report_str(a, "id"), id) == 0)
            return a;
    }
    return NULL;
}

const json_t *opf_report_subject_account(const json_t *report, const json_t *head, size_t *cursor)
{
    if (strcmp(opf_report_str(head, "subject_type"), "account") != 0)
        return NULL;
    const char *id = opf_report_str(head, "subject_id");
    const json_t *a = json_array_get(json_object_get(report, "accounts"), *cursor);
    if (a && strcmp(opf_report_str(a, "id"), id) == 0) {
        ++*cursor;
        return a;
    }
    return opf_report_account(report, id);
}

static bool s_same_subject(const json_t *a, const json_t *b)
{
    return strcmp(opf_report_str(a, "subject_id"), opf_report_str(b, "subject_id")) == 0 &&
           strcmp(opf_report_str(a, "subject_type"), opf_report_str(b, "subject_type")) == 0;
}

bool opf_report_next_subject(struct opf_report_subject *s)
{
    size_t n = json_array_size(s->results);
    s->first = s->end;
    if (s->first >= n)
        return false;
    s->head = json_array_get(s->results, s->first);
    for (s->end = s->first + 1; s->end < n && s_same_subject(s->head, json_array_get(s->results, s->end)); s->end++)
        ;
    return true;
}

void opf_report_context(FILE *out, const json_t *report, void (*escape)(FILE *, const char *))
{
    const json_t *org = json_object_get(report, "organization"), *mig = json_object_get(report, "migration");
    fputs("Organization ", out);
    escape(out, opf_report_str(org, "id"));
    fputs(" (management account ", out);
    escape(out, opf_report_str(org, "management_account_id"));
    fputs("), path ", out);
    escape(out, opf_report_str(mig, "path"));
    fputs(", gate at ", out);
    escape(out, opf_report_str(mig, "fail_on"));
    fputs(", as of ", out);
    escape(out, opf_report_str(report, "generated_at"));
    fputs(", evidence collected ", out);
    escape(out, opf_report_str(report, "evidence_collected_at"));
}

void opf_report_xml_char(FILE *out, char c)
{
    switch (c) {
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '&': fputs("&amp;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default:
        /* XML 1.0 forbids most control characters even escaped; HTML calls them parse errors */
        if ((unsigned char)c >= 0x20 || c == '\n' || c == '\t' || c == '\r')
            fputc(c, out);
    }
}

size_t opf_report_control(const char *s, char buf[8])
{
    const unsigned char *u = (const unsigned char *)s;
    if (*u && (*u < 0x20 || *u == 0x7f)) {
        snprintf(buf, 8, "\\x%02x", *u);
        return 1;
    }
    if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f) {
        snprintf(buf, 8, "\\u%04x", u[1]);
        return 2;
    }
    return 0;
}

int opf_report_visible(FILE *out, const char *s)
{
    int n = 0;
    char shown[8];
    for (size_t len; *s; s += len ? len : 1) {
        len = opf_report_control(s, shown);
        n += len ? fprintf(out, "%s", shown) : fputc(*s, out) != EOF;
    }
    return n;
}

void opf_report_markdown(FILE *out, const char *s)
{
    char shown[8];
    for (size_t len; *s; s += len ? len : 1) {
        len = *s == '\n' || *s == '\r' ? 0 : opf_report_control(s, shown);
        if (len)
            fputs(shown, out);
        else if (*s == '\n')
            fputs("<br>", out);
        else if (strchr("\\`*_[]|~", *s))
            fprintf(out, "\\%c", *s);
        else if (*s == '"' || *s == '\'')
            fputc(*s, out); /* plain text, never inside an attribute: entities would only hurt reading */
        else if (*s != '\r')
            opf_report_xml_char(out, *s);
    }
}

void opf_report_xml(FILE *out, const char *s)
{
    for (; *s; s++)
        opf_report_xml_char(out, *s);
}

void opf_report_list(FILE *out, const json_t *list, size_t max, void (*escape)(FILE *, const char *))
{
    size_t i, n = json_array_size(list);
    const json_t *v;
    json_array_foreach(list, i, v) {
        if (i == max)
            break;
        if (i)
            fputs(", ", out);
        escape(out, json_string_value(v) ? json_string_value(v) : "");
    }
    if (n > max)
        fprintf(out, " … and %zu more", n - max);
}

const char *opf_report_gate_note(const json_t *report, const json_t *row)
{
    enum opf_severity gate = opf_fail_on(opf_report_str(json_object_get(report, "migration"), "fail_on")), sev;
    if (!opf_severity_parse(opf_report_str(row, "severity"), &sev))
        return NULL;
    if (opf_report_status_is(row, "warn") && sev >= gate)
        return "does not gate: a warning asks for action but never blocks the move";
    if ((opf_report_status_is(row, "fail") || opf_report_status_is(row, "unknown")) && sev < gate)
        return "does not gate: below the gate severity";
    return NULL;
}

json_t *opf_report_remediations(const json_t *report)
{
    json_t *out = json_array(), *index = json_object();
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "results"), i, row) {
        if (!opf_report_is_problem(row))
            continue;
        const char *check = opf_report_str(row, "check");
        json_t *entry = json_object_get(index, check);
        if (!entry) {
            entry = json_pack("{s:s, s:s, s:s, s:b, s:[]}", "check", check, "title", opf_report_str(row, "title"),
                              "remediation", opf_report_str(row, "remediation"), "gating", 0, "subjects");
            json_object_set_new(index, check, entry);
            json_array_append(out, entry);
        }
        if (json_is_true(json_object_get(row, "gating")))
            json_object_set_new(entry, "gating", json_true());
        json_array_append_new(json_object_get(entry, "subjects"), json_string(opf_report_str(row, "subject_id")));
    }
    json_decref(index);
    return out;
}

bool opf_report_scope(const json_t *report, char *buf, size_t len)
{
    const json_t *scope = json_object_get(json_object_get(report, "summary"), "scope");
    const json_t *of = json_object_get(scope, "of"), *sel = json_object_get(scope, "selection");
    json_int_t n = json_integer_value(json_object_get(scope, "accounts"));
    buf[0] = '\0';
    if (!scope || (json_is_integer(of) && json_integer_value(of) == n))
        return false;
    char how[160] = "";
    const char *flag[] = {"accounts", "ou", "exclude_accounts"}, *name[] = {"--accounts", "--ou", "--exclude-accounts"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = json_string_value(json_object_get(sel, flag[i]));
        size_t used = strlen(how);
        if (v)
            snprintf(how + used, sizeof(how) - used, "%s%s %s", used ? " " : "", name[i], v);
    }
    if (json_is_integer(of))
        snprintf(buf, len, "scope: %lld of %lld accounts%s%s%s: organization-wide checks count every account",
                 (long long)n, (long long)json_integer_value(of), how[0] ? " (" : "", how, how[0] ? ")" : "");
    else
        snprintf(buf, len, "scope: %lld accounts; the bundle does not record the organization's inventory, so "
                           "organization-wide checks cannot be decided", (long long)n);
    return true;
}
