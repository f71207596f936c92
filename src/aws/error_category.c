/* What kind of failure an AWS error is. The code stays as AWS (or the client) named it, since the evidence records
 * it; a caller that passes the failure on as a struct opf_error takes the category from here. */
#include <string.h>

#include "aws/client.h"
#include "aws/retry.h"

/* The client's own codes and the AWS answers whose category their HTTP status does not tell. */
static const struct {
    const char *code;
    enum opf_error_category category;
} s_codes[] = {
    {"Interrupted", OPF_ERR_INTERRUPTED},
    {"RequestTimeout", OPF_ERR_TIMEOUT},
    {"RequestTimeoutException", OPF_ERR_TIMEOUT},
    {"CallBudgetExceeded", OPF_ERR_TIMEOUT},
    {"ItemBudgetExceeded", OPF_ERR_TIMEOUT},
    {"ConnectionError", OPF_ERR_NETWORK},
    {"TLSError", OPF_ERR_NETWORK},
    {"AccessDenied", OPF_ERR_PERMISSION},
    {"AccessDeniedException", OPF_ERR_PERMISSION},
    {"AuthorizationError", OPF_ERR_PERMISSION},
    {"UnauthorizedOperation", OPF_ERR_PERMISSION},
    {"NoCredentials", OPF_ERR_CREDENTIALS},
    {"PartialCredentials", OPF_ERR_CREDENTIALS},
    {"CredentialsError", OPF_ERR_CREDENTIALS},
    {"CredentialRetrieval", OPF_ERR_CREDENTIALS},
    {"ExpiredCredentials", OPF_ERR_CREDENTIALS},
    {"SSOTokenError", OPF_ERR_CREDENTIALS},
    {"ExpiredToken", OPF_ERR_CREDENTIALS},
    {"ExpiredTokenException", OPF_ERR_CREDENTIALS},
    {"RequestExpired", OPF_ERR_CREDENTIALS},
    {"InvalidClientTokenId", OPF_ERR_CREDENTIALS},
    {"UnrecognizedClientException", OPF_ERR_CREDENTIALS},
    {"InvalidAccessKeyId", OPF_ERR_CREDENTIALS},
    {"SignatureDoesNotMatch", OPF_ERR_CREDENTIALS},
    {"ConfigError", OPF_ERR_INVALID_INPUT},
    {"ConfigParseError", OPF_ERR_INVALID_INPUT},
    {"InvalidConfig", OPF_ERR_INVALID_INPUT},
    {"InvalidRegion", OPF_ERR_INVALID_INPUT},
    {"InfiniteLoop", OPF_ERR_INVALID_INPUT},
    {"ContainerURIRefused", OPF_ERR_INVALID_INPUT},
    {"UnsupportedPartition", OPF_ERR_INVALID_INPUT},
    {"EndpointResolutionError", OPF_ERR_INVALID_INPUT},
    {"ProfileNotFound", OPF_ERR_NOT_FOUND},
    {"NotInTree", OPF_ERR_NOT_FOUND},
    {"AWSOrganizationsNotInUseException", OPF_ERR_NOT_FOUND},
    {"AccountNotRegisteredException", OPF_ERR_NOT_FOUND},
    {"MalformedResponse", OPF_ERR_REMOTE},
    {"MalformedPolicy", OPF_ERR_REMOTE},
    {"ResponseTooLarge", OPF_ERR_REMOTE},
    {"EndlessPagination", OPF_ERR_REMOTE},
    {"OutOfMemory", OPF_ERR_NO_MEMORY},
    {"ClientError", OPF_ERR_INTERNAL},
    {"OperationNotAllowed", OPF_ERR_INTERNAL},
};

enum opf_error_category opf_aws_error_category(const char *code, long http_status)
{
    for (size_t i = 0; i < sizeof(s_codes) / sizeof(s_codes[0]); i++)
        if (strcmp(code, s_codes[i].code) == 0)
            return s_codes[i].category;
    if (opf_aws_throttling(code, http_status))
        return OPF_ERR_THROTTLED;
    if (strstr(code, "NotFound") || strncmp(code, "NoSuch", 6) == 0 || http_status == 404)
        return OPF_ERR_NOT_FOUND;
    if (http_status == 401 || http_status == 403)
        return OPF_ERR_PERMISSION;
    return OPF_ERR_REMOTE; /* any other answer of the service */
}
