/* The SDKs' retry modes (AWS_RETRY_MODE or the profile's retry_mode): legacy (5 attempts, no retry quota),
 * standard (3 attempts, the retry-token bucket) and adaptive (standard plus client-side rate limiting, which
 * orgpreflight's pacing does in every mode). orgpreflight defaults to standard, as the AWS CLI v2 does. */
#include <string.h>

#include "aws/client.h"

int opf_aws_retry_mode_resolve(struct opf_aws_client *c, struct opf_aws_error *err)
{
    static const struct {
        const char *name;
        enum opf_retry_mode mode;
        int attempts;
    } modes[] = {{"standard", OPF_RETRY_STANDARD, 3}, {"legacy", OPF_RETRY_LEGACY, 5}, {"adaptive", OPF_RETRY_ADAPTIVE, 3}};
    const char *v = opf_aws_setting(c, "AWS_RETRY_MODE", "retry_mode");
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (!v || strcmp(v, modes[i].name) == 0) {
            c->retry_mode = modes[i].mode;
            c->retry_mode_attempts = modes[i].attempts;
            return 0;
        }
    opf_aws_error_set(err, "InvalidConfig", "retry mode %.40s (AWS_RETRY_MODE or retry_mode): expected legacy, standard "
                      "or adaptive", v);
    return -1;
}
