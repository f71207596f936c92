#!/usr/bin/env bash
# The benchmark's aws CLI baseline: the calls `orgpreflight collect` makes (bench/plan.py) as a plain bash loop
# over the aws CLI, one account after another, OU and SCP lookups cached in associative arrays.
# Uses the environment's credentials, AWS_DEFAULT_REGION and AWS_ENDPOINT_URL. Failed calls (other than the
# documented "not set" answers) are listed in OUT/errors.
set -u
out=${1:?usage: aws_cli_audit.sh OUTPUT_DIR}
mkdir -p "$out"
: > "$out/errors"
export AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=3 AWS_PAGER=""
role=OrganizationAccountAccessRole
n=0

# call NAME ARGS...: one aws call, its answer in OUT/NAME (and on stdout when NAME is -)
call() {
    local name=$1 file err
    shift
    n=$((n + 1))
    file="$out/$name"
    [ "$name" = - ] && file="$out/answer.$BASHPID.$n"
    err="$file.err"
    if aws "$@" > "$file" 2> "$err"; then
        [ "$name" = - ] && cat "$file"
        return 0
    fi
    grep -qE 'NoSuchEntity|AccountNotRegisteredException|ResourceNotFoundException' "$err" || echo "$* $(tail -1 "$err")" >> "$out/errors"
    return 1
}

declare -A PARENT OU_NAME SCPS POLICY
call caller.json sts get-caller-identity
call organization.json organizations describe-organization
mgmt=$(grep -o '"MasterAccountId": *"[0-9]*"' "$out/organization.json" | grep -o '[0-9]\{12\}')
ids=$(call - organizations list-accounts --query 'Accounts[].Id' --output text)
call roots.json organizations list-roots
call delegated.json organizations list-delegated-administrators
call access.json organizations list-aws-service-access-for-organization
call sso.json sso-admin list-instances
call features.json iam list-organizations-features

iam_reads() {  # the IAM evidence of one account, with the credentials in the environment
    local a=$1 u g p
    for _ in $(seq 20); do
        [ "$(call - iam generate-credential-report --query State --output text)" = COMPLETE ] && break
    done
    call "$a.credential-report.json" iam get-credential-report
    call "$a.summary.json" iam get-account-summary
    for u in $(call - iam list-users --query 'Users[].UserName' --output text); do
        call "$a.$u.login.json" iam get-login-profile --user-name "$u"
        call "$a.$u.mfa.json" iam list-mfa-devices --user-name "$u"
        call "$a.$u.attached.json" iam list-attached-user-policies --user-name "$u"
        for p in $(call - iam list-user-policies --user-name "$u" --query 'PolicyNames[]' --output text); do
            call "$a.$u.$p.json" iam get-user-policy --user-name "$u" --policy-name "$p"
        done
        for g in $(call - iam list-groups-for-user --user-name "$u" --query 'Groups[].GroupName' --output text); do
            call "$a.$g.attached.json" iam list-attached-group-policies --group-name "$g"
            for p in $(call - iam list-group-policies --group-name "$g" --query 'PolicyNames[]' --output text); do
                call "$a.$g.$p.json" iam get-group-policy --group-name "$g" --policy-name "$p"
            done
        done
    done
}

for a in $ids; do
    path=() cur=$a
    while [[ $cur != r-* ]]; do
        if [ -z "${PARENT[$cur]:-}" ]; then
            read -r pid ptype < <(call - organizations list-parents --child-id "$cur" --query 'Parents[0].[Id,Type]' --output text)
            PARENT[$cur]=$pid
            if [ "$ptype" = ORGANIZATIONAL_UNIT ] && [ -z "${OU_NAME[$pid]:-}" ]; then
                OU_NAME[$pid]=$(call - organizations describe-organizational-unit --organizational-unit-id "$pid" \
                    --query OrganizationalUnit.Name --output text)
            fi
        fi
        cur=${PARENT[$cur]}
        path=("$cur" "${path[@]}")
    done
    for t in "${path[@]}" "$a"; do
        if [ -z "${SCPS[$t]:-}" ]; then
            SCPS[$t]="$(call - organizations list-policies-for-target --target-id "$t" --filter SERVICE_CONTROL_POLICY \
                --query 'Policies[].Id' --output text) "
            for p in ${SCPS[$t]}; do
                [ -n "${POLICY[$p]:-}" ] || { call "policy.$p.json" organizations describe-policy --policy-id "$p"; POLICY[$p]=1; }
            done
        fi
    done
    call "$a.delegated.json" organizations list-delegated-services-for-account --account-id "$a"
    target=(--account-id "$a")
    [ "$a" = "$mgmt" ] && target=()
    call "$a.information.json" account get-account-information "${target[@]}"
    call "$a.contact.json" account get-contact-information "${target[@]}"
    [ "$a" = "$mgmt" ] || call "$a.primary-email.json" account get-primary-email "${target[@]}"
    for t in BILLING OPERATIONS SECURITY; do
        call "$a.alternate-$t.json" account get-alternate-contact --alternate-contact-type "$t" "${target[@]}"
    done
    if [ "$a" = "$mgmt" ]; then
        iam_reads "$a"
    else
        creds=$(call - sts assume-role --role-arn "arn:aws:iam::$a:role/$role" --role-session-name orgpreflight \
            --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) || continue
        read -r ak sk st <<< "$creds"
        (
            export AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk AWS_SESSION_TOKEN=$st
            call "$a.caller.json" sts get-caller-identity
            iam_reads "$a"
        )
    fi
done
echo "{\"errors\": $(wc -l < "$out/errors")}"
