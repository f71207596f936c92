#!/usr/bin/env bash
# Installs the Debian packages orgpreflight needs to build and run (ca-certificates: live audits verify
# TLS); with --test, also everything the test suite runs (scripts/test.sh): cmocka, the peers the
# integration tests start (dnsmasq, stunnel, an SMTP server, Chromium, cmark-gfm), the openssl and ss
# commands, clang for the fuzzers, valgrind, GNU time, what the integrations' tests run (jq for
# scripts/securityhub-import.sh, zsh for the completion, promtool from prometheus, systemd-analyze from
# systemd), and python3 with venv for the Python requirements
# (tests/requirements.txt, installed by scripts/test-python.sh when the python3 on PATH lacks them).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
case "${1:-}" in
  "") test=0 ;;
  --test) test=1 ;;
  *) echo "usage: $0 [--test]" >&2; exit 64 ;;
esac
packages=(build-essential cmake pkg-config
          libcurl4-openssl-dev libssl-dev libjansson-dev libexpat1-dev libc-ares-dev ca-certificates)
if [ "$test" = 1 ]; then
  packages+=(libcmocka-dev python3 python3-venv python3-aiosmtpd python3-jsonschema
             dnsmasq-base stunnel4 openssl iproute2 chromium cmark-gfm
             clang libclang-rt-14-dev valgrind time libxml2-utils jq zsh prometheus systemd)
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
