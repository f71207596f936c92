#!/usr/bin/env bash
# Imports an `orgpreflight audit --format asff` file into AWS Security Hub, 100 findings per
# BatchImportFindings call (the API's limit). orgpreflight itself never writes to AWS: this script is the
# only step that does, with the credentials of the account that receives the findings.
#
# usage: scripts/securityhub-import.sh FILE [aws CLI options, e.g. --region eu-central-1 --profile security]
#
# Each finding's ProductArn is set to the importing account's default product
# (arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default), as Security Hub requires of a custom
# integration. Exits 0 when every finding was imported, 1 when any failed (they are printed), 2 on bad usage.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -r "$1" ]; then
  echo "usage: $0 FILE.asff.json [aws CLI options]" >&2
  exit 2
fi
file=$1
shift
for tool in aws jq; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is not installed" >&2; exit 2; }
done

account=$(aws "$@" sts get-caller-identity --query Account --output text)
region=$(aws "$@" configure get region || true)
for opt in "$@"; do   # an explicit --region wins over the profile's
  [ "${prev:-}" = "--region" ] && region=$opt
  prev=$opt
done
region=${region:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}
[ -n "$region" ] || { echo "$0: no region: pass --region or configure one" >&2; exit 2; }
case $region in
  cn-*) partition=aws-cn ;;
  us-gov-*) partition=aws-us-gov ;;
  *) partition=aws ;;
esac
product="arn:$partition:securityhub:$region:$account:product/$account/default"

total=$(jq 'length' "$file")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for ((start = 0; start < total; start += 100)); do
  jq --arg p "$product" --argjson s "$start" '.[$s:$s + 100] | map(.ProductArn = $p)' "$file" >"$tmp/batch.json"
  aws "$@" securityhub batch-import-findings --findings "file://$tmp/batch.json" --output json >"$tmp/answer.json"
  n=$(jq '.FailedCount' "$tmp/answer.json")
  if [ "$n" != 0 ]; then
    jq -c '.FailedFindings[]' "$tmp/answer.json" >&2
    failed=$((failed + n))
  fi
done
echo "imported $((total - failed)) of $total findings into $product"
[ "$failed" = 0 ]
