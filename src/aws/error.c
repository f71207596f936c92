/* The client's error and credentials values, which every layer of src/aws fills or clears. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/collector.h"

void opf_aws_error_set(struct opf_aws_error *err, const char *code, const char *fmt, ...)
{
    va_list ap;
    snprintf(err->code, sizeof(err->code), "%s", code);
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

void opf_aws_creds_clear(struct opf_aws_creds *c)
{
    if (c->secret_access_key)
        OPENSSL_cleanse(c->secret_access_key, strlen(c->secret_access_key));
    if (c->session_token)
        OPENSSL_cleanse(c->session_token, strlen(c->session_token));
    free(c->access_key_id);
    free(c->secret_access_key);
    free(c->session_token);
    memset(c, 0, sizeof(*c));
}
