/* The three wire protocols of the services orgpreflight calls. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "aws/protocol.h"
#include "aws/sigv4.h"

/* ---- requests ---- */

/* Query protocol: top-level members as Name=value, lists as Name.member.N=value. */
static void s_form_value(struct opf_buf *b, const char *name, const json_t *v)
{
    char num[64];
    const char *text = NULL;
    if (json_is_string(v))
        text = json_string_value(v);
    else if (json_is_integer(v))
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v)), text = num;
    else if (json_is_boolean(v))
        text = json_is_true(v) ? "true" : "false";
    if (!text)
        return;
    opf_buf_putc(b, '&');
    opf_uri_encode(b, name, strlen(name), false);
    opf_buf_putc(b, '=');
    opf_uri_encode(b, text, strlen(text), false);
}

/* Query and EC2: Action, Version, then the members; lists as Name.member.N (Query) or Name.N (EC2). */
static char *s_form(const struct opf_aws_service *svc, const struct opf_aws_operation *op, const json_t *input)
{
    struct opf_buf b = {0};
    opf_buf_printf(&b, "Action=%s&Version=%s", op->name, svc->api_version);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)input, key, v) {
        if (json_is_array(v)) {
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e) {
                char name[256];
                snprintf(name, sizeof(name), svc->protocol == OPF_PROTO_EC2 ? "%s.%zu" : "%s.member.%zu", key, i + 1);
                s_form_value(&b, name, e);
            }
        } else {
            s_form_value(&b, key, v);
        }
    }
    return opf_buf_steal(&b);
}

/* A scalar input member as text, or NULL. */
static const char *s_member_text(const json_t *input, const char *name, size_t namelen, char *num, size_t numlen)
{
    char key[128];
    snprintf(key, sizeof(key), "%.*s", (int)namelen, name);
    const json_t *v = json_object_get(input, key);
    if (json_is_integer(v)) {
        snprintf(num, numlen, "%lld", (long long)json_integer_value(v));
        return num;
    }
    const char *text = json_string_value(v);
    return text && *text ? text : NULL;
}

/* rest-XML: the path and query from the operation's template. */
static int s_rest_xml(const struct opf_aws_operation *op, const json_t *input, struct opf_wire_request *out)
{
    const char *t = op->http_path, *q = strchr(t, '?');
    size_t plen = q ? (size_t)(q - t) : strlen(t), n = 0;
    char num[32];
    for (const char *p = t; p < t + plen; p++) {
        const char *end = *p == '{' ? memchr(p, '}', (size_t)(t + plen - p)) : NULL;
        const char *text = end ? s_member_text(input, p + 1, (size_t)(end - p - 1), num, sizeof(num)) : NULL;
        if (end && !text)
            return -1; /* a path member is required */
        size_t add = end ? strlen(text) : 1;
        if (n + add >= sizeof(out->path_buf))
            return -1;
        memcpy(out->path_buf + n, end ? text : p, add);
        n += add;
        p = end ? end : p;
    }
    out->path_buf[n] = '\0';
    out->path = out->path_buf;
    struct opf_buf b = {0};
    for (const char *p = q ? q + 1 : NULL; p && *p;) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len), *brace = eq ? memchr(eq, '{', (size_t)(p + len - eq)) : NULL;
        const char *text = brace ? s_member_text(input, brace + 1, (size_t)(p + len - brace - 2), num, sizeof(num)) : NULL;
        if (!brace || text) {
            if (b.len)
                opf_buf_putc(&b, '&');
            opf_buf_append(&b, p, brace ? (size_t)(eq - p + 1) : len);
            if (text)
                opf_uri_encode(&b, text, strlen(text), false);
        }
        p += len + (p[len] == '&');
    }
    out->query = opf_buf_steal(&b);
    out->method = op->http_method ? op->http_method : "GET";
    out->body = strdup("");
    return 0;
}

int opf_protocol_build(const struct opf_aws_service *svc, const struct opf_aws_operation *op, const json_t *input,
                       struct opf_wire_request *out)
{
    memset(out, 0, sizeof(*out));
    out->method = "POST";
    out->path = "/";
    if (svc->protocol == OPF_PROTO_REST_XML) {
        if (s_rest_xml(op, input, out) != 0 || !out->body) {
            opf_wire_request_free(out);
            return -1;
        }
        return 0;
    }
    if (svc->protocol == OPF_PROTO_QUERY || svc->protocol == OPF_PROTO_EC2) {
        out->content_type = "application/x-www-form-urlencoded; charset=utf-8";
        out->body = s_form(svc, op, input);
    } else {
        json_t *empty = input ? NULL : json_object();
        out->body = json_dumps(input ? input : empty, JSON_COMPACT);
        json_decref(empty);
        if (svc->protocol == OPF_PROTO_JSON) {
            bool v10 = svc->json_version && strcmp(svc->json_version, "1.0") == 0;
            out->content_type = v10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
            snprintf(out->target, sizeof(out->target), "%s.%s", svc->target_prefix, op->name);
        } else {
            out->content_type = "application/json";
            out->path = op->http_path;
        }
    }
    return out->body ? 0 : -1;
}

void opf_wire_request_free(struct opf_wire_request *w)
{
    free(w->body);
    free(w->query);
    w->body = w->query = NULL;
}

/* ---- XML ---- */

struct s_node {
    char *name;
    struct opf_buf text;
    json_t *children;          /* array of {name, value} pairs in order */
};

struct s_xml {
    struct s_node stack[64];
    int depth;
    json_t *result;
    const char *lists;
    bool overflow;
};

static bool s_in_list(const char *lists, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = lists; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

/* Folds an element's children into its JSON value. */
static json_t *s_value(struct s_xml *x, struct s_node *n)
{
    size_t count = json_array_size(n->children);
    if (count == 0) {
        if (s_in_list(x->lists, n->name))
            return json_array();
        return json_string(n->text.data ? n->text.data : "");
    }
    json_t *first = json_array_get(n->children, 0);
    const char *first_name = json_string_value(json_object_get(first, "n"));
    /* list members: <member> (Query), <item> (EC2), or any element inside a known list (rest-XML <Bucket>) */
    if (strcmp(first_name, "member") == 0 || strcmp(first_name, "item") == 0 || s_in_list(x->lists, n->name)) {
        json_t *arr = json_array();
        size_t i;
        json_t *c;
        json_array_foreach(n->children, i, c) json_array_append(arr, json_object_get(c, "v"));
        return arr;
    }
    if (strcmp(first_name, "entry") == 0) {
        json_t *map = json_object();
        size_t i;
        json_t *c;
        json_array_foreach(n->children, i, c) {
            json_t *entry = json_object_get(c, "v");
            const char *k = json_string_value(json_object_get(entry, "key"));
            json_t *v = json_object_get(entry, "value");
            if (k && v) {
                /* summary maps hold counts: keep them as numbers, as botocore does */
                const char *s = json_string_value(v);
                char *end;
                long long num = s && *s ? strtoll(s, &end, 10) : 0;
                json_object_set_new(map, k, s && *s && !*end ? json_integer(num) : json_incref(v));
            }
        }
        return map;
    }
    json_t *obj = json_object();
    size_t i;
    json_t *c;
    json_array_foreach(n->children, i, c) {
        const char *k = json_string_value(json_object_get(c, "n"));
        json_t *v = json_object_get(c, "v");
        if (strcmp(k, "IsTruncated") == 0 && json_is_string(v))
            json_object_set_new(obj, k, json_boolean(strcmp(json_string_value(v), "true") == 0));
        else
            json_object_set(obj, k, v);
    }
    return obj;
}

static void XMLCALL s_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    (void)attrs;
    struct s_xml *x = ud;
    if (x->depth >= 63) {
        x->overflow = true;
        x->depth++;
        return;
    }
    struct s_node *n = &x->stack[++x->depth];
    memset(n, 0, sizeof(*n));
    n->name = strdup(name);
    n->children = json_array();
}

static void XMLCALL s_end(void *ud, const XML_Char *name)
{
    (void)name;
    struct s_xml *x = ud;
    if (x->depth > 63) {
        x->depth--;
        return;
    }
    struct s_node *n = &x->stack[x->depth];
    json_t *v = s_value(x, n);
    if (x->depth == 1) {
        json_decref(x->result);
        x->result = json_pack("{s:s, s:o}", "n", n->name, "v", v);
    } else if (x->depth > 1) {
        json_array_append_new(x->stack[x->depth - 1].children, json_pack("{s:s, s:o}", "n", n->name, "v", v));
    }
    free(n->name);
    opf_buf_free(&n->text);
    json_decref(n->children);
    x->depth--;
}

static void XMLCALL s_text(void *ud, const XML_Char *s, int len)
{
    struct s_xml *x = ud;
    if (x->depth >= 1 && x->depth <= 63)
        opf_buf_append(&x->stack[x->depth].text, s, (size_t)len);
}

/* Returns {"n": root name, "v": root value}. */
static json_t *s_xml_root(const char *xml, size_t len, const char *lists, char *err, size_t errlen)
{
    struct s_xml x = {.lists = lists};
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p)
        return NULL;
    XML_SetUserData(p, &x);
    XML_SetElementHandler(p, s_start, s_end);
    XML_SetCharacterDataHandler(p, s_text);
    if (XML_Parse(p, xml, (int)len, 1) == XML_STATUS_ERROR || x.overflow) {
        snprintf(err, errlen, "malformed XML at line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(p),
                 x.overflow ? "nested too deeply" : XML_ErrorString(XML_GetErrorCode(p)));
        while (x.depth > 0) { /* unwind what an error left open */
            if (x.depth <= 63) {
                free(x.stack[x.depth].name);
                opf_buf_free(&x.stack[x.depth].text);
                json_decref(x.stack[x.depth].children);
            }
            x.depth--;
        }
        json_decref(x.result);
        x.result = NULL;
    }
    XML_ParserFree(p);
    return x.result;
}

json_t *opf_xml_to_json(const char *xml, size_t len, const char *lists, char *err, size_t errlen)
{
    json_t *root = s_xml_root(xml, len, lists, err, errlen);
    json_t *v = root ? json_incref(json_object_get(root, "v")) : NULL;
    json_decref(root);
    return v;
}

/* ---- answers ---- */

/* A string holding NUL characters gets U+FFFD in their place: no C string is cut short and no bundle gets a
 * "\u0000" its loader refuses; whoever reads the member can tell (discovery degrades such an account). */
static void s_replace_nul(json_t *v)
{
    const char *text = json_string_value(v);
    size_t len = json_string_length(v);
    if (!text || strlen(text) == len)
        return;
    struct opf_buf b = {0};
    for (size_t i = 0; i < len; i++)
        if (text[i])
            opf_buf_append(&b, &text[i], 1);
        else
            opf_buf_append(&b, "\xef\xbf\xbd", 3);
    json_string_setn(v, b.data ? b.data : "", b.len);
    opf_buf_free(&b);
}

/* moto and some services send JSON nulls for absent members: botocore drops them. */
static void s_drop_nulls(json_t *v)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *c;
        void *tmp;
        json_object_foreach_safe(v, tmp, k, c) {
            if (json_is_null(c))
                json_object_del(v, k);
            else
                s_drop_nulls(c);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c) s_drop_nulls(c);
    } else {
        s_replace_nul(v);
    }
}

/* EC2 answers use lowerCamel XML names: botocore's members are capitalized, a few renamed. New reference. */
static json_t *s_ec2_names(const json_t *v, const char *renames)
{
    if (json_is_array(v)) {
        json_t *arr = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) json_array_append_new(arr, s_ec2_names(e, renames));
        return arr;
    }
    if (!json_is_object(v))
        return json_incref((json_t *)v);
    json_t *obj = json_object();
    const char *k;
    json_t *c;
    json_object_foreach((json_t *)v, k, c) {
        char name[128];
        snprintf(name, sizeof(name), "%c%s", toupper((unsigned char)k[0]), k[0] ? k + 1 : "");
        size_t klen = strlen(k);
        for (const char *p = renames; p && *p;) {
            size_t len = strcspn(p, ","), eq = strcspn(p, "=");
            if (eq < len && eq == klen && strncmp(p, k, klen) == 0)
                snprintf(name, sizeof(name), "%.*s", (int)(len - eq - 1), p + eq + 1);
            p += len + (p[len] == ',');
        }
        json_object_set_new(obj, name, s_ec2_names(c, renames));
    }
    return obj;
}

json_t *opf_protocol_parse(const struct opf_aws_service *svc, const struct opf_aws_operation *op, const char *body,
                           size_t len, struct opf_aws_error *err)
{
    char why[256] = "";
    json_t *out = NULL;
    if (svc->protocol == OPF_PROTO_QUERY) {
        json_t *root = opf_xml_to_json(body, len, op->lists, why, sizeof(why));
        char result[128];
        snprintf(result, sizeof(result), "%sResult", op->name);
        json_t *r = json_object_get(root, result);
        if (root && !r && json_is_object(root))
            r = json_object(), json_object_set_new(root, result, r); /* an answer with no result members */
        if (json_is_string(r) && !*json_string_value(r))
            json_object_set_new(root, result, json_object()), r = json_object_get(root, result);
        out = json_is_object(r) ? json_incref(r) : NULL;
        json_decref(root);
        if (!out && !why[0])
            snprintf(why, sizeof(why), "no %s element in the answer", result);
    } else if (svc->protocol == OPF_PROTO_REST_XML && op->payload) {
        out = json_object();
        json_object_set_new(out, op->payload, json_stringn(body, len));
    } else if (len == 0) {
        out = json_object();
    } else if (svc->protocol == OPF_PROTO_REST_XML || svc->protocol == OPF_PROTO_EC2) {
        /* the root element's members are the output */
        json_t *root = opf_xml_to_json(body, len, op->lists, why, sizeof(why));
        if (json_is_string(root) && !*json_string_value(root))
            json_decref(root), root = json_object();
        if (svc->protocol == OPF_PROTO_EC2 && json_is_object(root)) {
            json_object_del(root, "requestId");
            json_t *named = s_ec2_names(root, op->renames);
            json_decref(root);
            root = named;
        }
        out = json_is_object(root) ? root : (json_decref(root), NULL);
        if (!out && !why[0])
            snprintf(why, sizeof(why), "the answer is not an XML document");
    } else {
        json_error_t je;
        out = json_loadb(body, len, JSON_ALLOW_NUL, &je);
        if (!json_is_object(out)) {
            json_decref(out);
            out = NULL;
            snprintf(why, sizeof(why), "malformed JSON at line %d column %d: %s", je.line, je.column, je.text);
        }
    }
    if (!out) {
        snprintf(err->code, sizeof(err->code), "MalformedResponse");
        snprintf(err->message, sizeof(err->message), "%s", why);
        return NULL;
    }
    s_drop_nulls(out);
    return out;
}

static void s_copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

/* Does [p, end) start with `prefix`, ignoring case? Never reads past `end`: the body need not be a string. */
static bool s_starts_with_ci(const char *p, const char *end, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)(end - p) >= n && strncasecmp(p, prefix, n) == 0;
}

/* The name of an XML document's root element (after a declaration, comments and white space), or "". */
static void s_xml_root_name(const char *p, const char *end, char *name, size_t n)
{
    name[0] = '\0';
    while (p < end) {
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p >= end || *p != '<')
            return;
        if (p + 1 < end && (p[1] == '?' || p[1] == '!')) { /* <?xml ...?>, <!-- ... --> */
            const char *gt = memchr(p, '>', (size_t)(end - p));
            p = gt ? gt + 1 : end;
            continue;
        }
        size_t len = 0;
        for (p++; p + len < end && !isspace((unsigned char)p[len]) && p[len] != '>' && p[len] != '/'; len++)
            ;
        snprintf(name, n, "%.*s", (int)(len < n ? len : n - 1), p);
        return;
    }
}

bool opf_protocol_is_error(const struct opf_aws_service *svc, const char *body, size_t len, const char *error_type_header)
{
    if (error_type_header && *error_type_header)
        return true;
    const char *p = body, *end = body + len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p < end && *p == '{') { /* no output shape has a "__type" member: only errors do */
        json_t *j = json_loadb(body, len, JSON_ALLOW_NUL, NULL);
        bool typed = json_is_string(json_object_get(j, "__type"));
        json_decref(j);
        return typed;
    }
    char root[32];
    s_xml_root_name(p, end, root, sizeof(root));
    return strcmp(root, "ErrorResponse") == 0 || strcmp(root, "Error") == 0 ||
           (svc->protocol == OPF_PROTO_EC2 && strcmp(root, "Response") == 0);
}

void opf_protocol_error(const char *body, size_t len, const char *error_type_header, long status,
                        struct opf_aws_error *err)
{
    err->http_status = status;
    const char *p = body;
    while (p && p < body + len && isspace((unsigned char)*p))
        p++;
    if (p && p < body + len && *p == '{') {
        json_t *j = json_loadb(body, len, 0, NULL);
        const char *type = json_string_value(json_object_get(j, "__type"));
        if (!type)
            type = json_string_value(json_object_get(j, "code"));
        if (type) {
            const char *hash = strrchr(type, '#');
            s_copy(err->code, sizeof(err->code), hash ? hash + 1 : type);
        }
        const char *msg = json_string_value(json_object_get(j, "message"));
        if (!msg)
            msg = json_string_value(json_object_get(j, "Message"));
        s_copy(err->message, sizeof(err->message), msg);
        s_copy(err->reason, sizeof(err->reason), json_string_value(json_object_get(j, "Reason")));
        json_decref(j);
    } else if (p && p < body + len && *p == '<' && !s_starts_with_ci(p, body + len, "<!doctype html") &&
               !s_starts_with_ci(p, body + len, "<html")) {
        char why[128];
        json_t *root = opf_xml_to_json(body, len, NULL, why, sizeof(why));
        /* <ErrorResponse><Error>...</Error> or <ErrorResponse><Errors><Error>... */
        json_t *e = json_object_get(root, "Error");
        if (!e)
            e = json_object_get(json_object_get(root, "Errors"), "Error");
        if (!e && json_object_get(root, "Code"))
            e = root; /* rest-XML: <Error><Code>... */
        s_copy(err->code, sizeof(err->code), json_string_value(json_object_get(e, "Code")));
        s_copy(err->message, sizeof(err->message), json_string_value(json_object_get(e, "Message")));
        const char *rid = json_string_value(json_object_get(root, "RequestId"));
        if (!rid)
            rid = json_string_value(json_object_get(root, "RequestID")); /* EC2 */
        s_copy(err->request_id, sizeof(err->request_id), rid);
        json_decref(root);
    }
    if (!err->code[0] && error_type_header && *error_type_header) {
        size_t n = strcspn(error_type_header, ":");
        snprintf(err->code, sizeof(err->code), "%.*s", (int)n, error_type_header);
    }
    if (!err->code[0]) {
        /* an HTML page or an empty body: typically an operation the endpoint does not implement */
        snprintf(err->code, sizeof(err->code), "HTTP%ld", status);
        snprintf(err->message, sizeof(err->message), "HTTP %ld with %s body%s", status, len ? "a non-AWS" : "an empty",
                 status == 404 || status == 501 ? ": the endpoint does not implement this operation" : "");
    }
}

void opf_redact_secrets(char *text)
{
    static const char *const keys[] = {"SecretAccessKey", "SessionToken", "secretAccessKey", "sessionToken",
                                       "accessToken", "Token", "refreshToken", "clientSecret", NULL};
    for (const char *const *k = keys; *k; k++) {
        size_t klen = strlen(*k);
        for (char *p = strstr(text, *k); p; p = strstr(p + klen, *k)) {
            char *v = p + klen;
            if (p > text && p[-1] == '<' && *v == '>') {            /* <Key>value</Key> */
                for (v++; *v && *v != '<'; v++)
                    *v = '*';
            } else if (p > text && p[-1] == '"' && *v == '"') {     /* "Key": "value" */
                v++;
                while (*v == ' ' || *v == ':')
                    v++;
                if (*v == '"')
                    for (v++; *v && *v != '"'; v++)
                        *v = '*';
            }
        }
    }
}
