/*
 * A bundle read account by account: the file is mapped, a small scanner (string and escape aware) finds each
 * element of the top-level "accounts" array, and jansson parses one element at a time, so the audit holds one
 * account's tree instead of the whole bundle's. The rest of the bundle (its "skeleton", "accounts" emptied) is
 * parsed whole. The scanner only locates: jansson judges every byte, and anything the scanner does not find
 * plainly shaped (or any parse or validation failure) makes the caller load the bundle whole, whose errors name
 * the line and column or the JSON path exactly as before.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

/* Deeper than any bundle; kept far below jansson's own limit, which counts from the document's top. */
#define MAX_DEPTH 1000
/* Mapped pages already read are given back to the kernel every so many bytes, so they do not count as held. */
#define RELEASE_BYTES (8u << 20)

struct s_span {
    size_t off, len;
};

struct opf_bundle_scan {
    const char *name;
    const char *map;
    size_t size, released;
    json_t *skeleton;
    json_t *stubs;          /* per account: {"id", "ou_path"} as far as the scanner found them */
    struct s_span *spans;
    size_t count, cap;
};

static bool s_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *s_skip_ws(const char *p, const char *end)
{
    while (p < end && s_ws(*p))
        p++;
    return p;
}

/* p at the opening quote; returns just past the closing one, NULL when the text ends first. */
static const char *s_skip_string(const char *p, const char *end)
{
    for (p++; p < end;) {
        const char *quote = memchr(p, '"', (size_t)(end - p));
        if (!quote)
            return NULL;
        const char *esc = memchr(p, '\\', (size_t)(quote - p));
        if (!esc)
            return quote + 1;
        p = esc + 2; /* past the escaped character, which may be a quote */
    }
    return NULL;
}

/* Just past the value starting at p, NULL when none is plainly there. Brackets are counted, not matched:
 * a mismatch is jansson's to find. */
static const char *s_skip_value(const char *p, const char *end)
{
    if (p >= end)
        return NULL;
    if (*p == '"')
        return s_skip_string(p, end);
    if (*p != '{' && *p != '[') {
        const char *q = p;
        while (q < end && !s_ws(*q) && *q != ',' && *q != ']' && *q != '}')
            q++;
        return q > p ? q : NULL;
    }
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '"') {
            p = s_skip_string(p, end);
            if (!p)
                return NULL;
            p--;
        } else if (*p == '{' || *p == '[') {
            if (++depth > MAX_DEPTH)
                return NULL;
        } else if ((*p == '}' || *p == ']') && --depth == 0) {
            return p + 1;
        }
    }
    return NULL;
}

/* Does the quoted key [k, k_end) read `want`? A key with escapes is decoded by jansson. */
static bool s_key_is(const char *k, const char *k_end, const char *want)
{
    size_t n = (size_t)(k_end - k) - 2;
    if (!memchr(k, '\\', n + 2))
        return n == strlen(want) && memcmp(k + 1, want, n) == 0;
    json_t *s = json_loadb(k, (size_t)(k_end - k), JSON_DECODE_ANY, NULL);
    bool is = json_is_string(s) && strcmp(json_string_value(s), want) == 0;
    json_decref(s);
    return is;
}

/* Reads one member's value at v (its key the quoted [k, k_end)): returns just past it, NULL when it is not plainly
 * a value. */
typedef const char *s_member_fn(void *ud, const char *k, const char *k_end, const char *v, const char *end);

/* Calls fn for each member of the object at p; returns just past it, NULL when not plainly an object. */
static const char *s_members(const char *p, const char *end, s_member_fn *fn, void *ud)
{
    if (p >= end || *p != '{')
        return NULL;
    p = s_skip_ws(p + 1, end);
    if (p < end && *p == '}')
        return p + 1;
    for (;;) {
        const char *k = p, *k_end = p < end && *p == '"' ? s_skip_string(p, end) : NULL;
        if (!k_end)
            return NULL;
        p = s_skip_ws(k_end, end);
        if (p >= end || *p != ':')
            return NULL;
        const char *v_end = fn(ud, k, k_end, s_skip_ws(p + 1, end), end);
        if (!v_end)
            return NULL;
        p = s_skip_ws(v_end, end);
        if (p < end && *p == '}')
            return p + 1;
        if (p >= end || *p != ',')
            return NULL;
        p = s_skip_ws(p + 1, end);
    }
}

/* An account's id and OU path, which selection and the organization-wide facts need before any account is
 * evaluated. */
static const char *s_stub_member(void *ud, const char *k, const char *k_end, const char *v, const char *end)
{
    json_t *stub = ud;
    const char *v_end = s_skip_value(v, end);
    if (!v_end)
        return NULL;
    const char *key = s_key_is(k, k_end, "id") ? "id" : s_key_is(k, k_end, "ou_path") ? "ou_path" : NULL;
    if (key && !json_object_get(stub, key)) {
        json_t *value = json_loadb(v, (size_t)(v_end - v), JSON_DECODE_ANY, NULL);
        if (value)
            json_object_set_new(stub, key, value);
    }
    return v_end;
}

static void s_release(struct opf_bundle_scan *s, size_t upto, bool all)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t from = s->released, to = upto / (size_t)page * (size_t)page;
    if (to > from && (all || to - from >= RELEASE_BYTES)) {
        madvise((void *)(s->map + from), to - from, MADV_DONTNEED);
        s->released = to;
    }
}

static bool s_add_account(struct opf_bundle_scan *s, const char *v, const char *v_end)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        struct s_span *spans = realloc(s->spans, cap * sizeof(*spans));
        if (!spans)
            return false;
        s->spans = spans;
        s->cap = cap;
    }
    s->spans[s->count++] = (struct s_span){(size_t)(v - s->map), (size_t)(v_end - v)};
    s_release(s, (size_t)(v - s->map), false);
    json_t *stub = json_object();
    if (*v == '{')
        s_members(v, v_end, s_stub_member, stub); /* a malformed account is found when it is parsed */
    json_object_set_new(stub, "index", json_integer((json_int_t)(s->count - 1)));
    return json_array_append_new(s->stubs, stub) == 0;
}

struct s_top {
    struct opf_bundle_scan *scan;
    const char *open, *close; /* the accounts array's brackets */
};

/* The accounts array is read element by element (and its pages given back as it goes); any other member is
 * skipped. */
static const char *s_top_member(void *ud, const char *k, const char *k_end, const char *v, const char *end)
{
    struct s_top *t = ud;
    if (t->open || v >= end || *v != '[' || !s_key_is(k, k_end, "accounts"))
        return s_skip_value(v, end); /* a second "accounts" stays in the skeleton, where jansson refuses it */
    const char *p = s_skip_ws(v + 1, end);
    bool more = false; /* after a comma, another element must follow */
    while (more || p >= end || *p != ']') {
        const char *e = s_skip_value(p, end);
        if (!e || !s_add_account(t->scan, p, e))
            return NULL;
        p = s_skip_ws(e, end);
        more = p < end && *p == ',';
        if (more)
            p = s_skip_ws(p + 1, end);
        else if (p >= end || *p != ']')
            return NULL;
    }
    t->open = v;
    t->close = p;
    return p + 1;
}

/* The skeleton: the bundle's text with the accounts array emptied, parsed as the whole file would be. */
static bool s_skeleton(struct opf_bundle_scan *s, const struct s_top *t)
{
    size_t head = (size_t)(t->open + 1 - s->map), tail = s->size - (size_t)(t->close - s->map);
    char *text = malloc(head + tail);
    if (!text)
        return false;
    memcpy(text, s->map, head);
    memcpy(text + head, t->close, tail);
    s->skeleton = json_loadb(text, head + tail, JSON_REJECT_DUPLICATES, NULL);
    free(text);
    /* a second "accounts" (however spelt) is a duplicate jansson refuses; an account left in it is a bug */
    return json_is_object(s->skeleton) && json_array_size(json_object_get(s->skeleton, "accounts")) == 0;
}

struct opf_bundle_scan *opf_bundle_scan_open(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        close(fd);
        return NULL;
    }
    struct opf_bundle_scan *s = calloc(1, sizeof(*s));
    void *map = s ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    close(fd);
    if (map == MAP_FAILED) {
        free(s);
        return NULL;
    }
    s->name = path;
    s->map = map;
    s->size = (size_t)st.st_size;
    s->stubs = json_array();
    madvise(map, s->size, MADV_SEQUENTIAL);
    struct s_top t = {.scan = s};
    const char *end = s->map + s->size;
    if (!s_members(s_skip_ws(s->map, end), end, s_top_member, &t) || !t.open || !s_skeleton(s, &t)) {
        opf_bundle_scan_free(s);
        return NULL;
    }
    s_release(s, s->size, true);
    s->released = 0; /* read again account by account */
    return s;
}

void opf_bundle_scan_free(struct opf_bundle_scan *s)
{
    if (!s)
        return;
    munmap((void *)s->map, s->size);
    json_decref(s->skeleton);
    json_decref(s->stubs);
    free(s->spans);
    free(s);
}

json_t *opf_bundle_scan_skeleton(const struct opf_bundle_scan *s)
{
    return s->skeleton;
}

json_t *opf_bundle_scan_stubs(const struct opf_bundle_scan *s)
{
    return s->stubs;
}

size_t opf_bundle_scan_count(const struct opf_bundle_scan *s)
{
    return s->count;
}

json_t *opf_bundle_scan_account(struct opf_bundle_scan *s, size_t i)
{
    if (i >= s->count)
        return NULL;
    const char *text = s->map + s->spans[i].off;
    json_t *a = opf_json_parse_plain(text, s->spans[i].len);
    if (!a)
        a = json_loadb(text, s->spans[i].len, JSON_REJECT_DUPLICATES, NULL);
    s_release(s, s->spans[i].off, false);
    struct opf_error err = {0};
    if (a && opf_bundle_validate_account(a, i, s->name, &err) != 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}
