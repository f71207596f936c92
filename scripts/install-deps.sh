#!/usr/bin/env bash
# Installs exactly the Debian packages orgpreflight needs to build and test.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config \
  libcurl4-openssl-dev libssl-dev libjansson-dev libcmocka-dev libexpat1-dev libc-ares-dev \
  dnsmasq-base jq zsh prometheus systemd python3-aiosmtpd python3-jsonschema cmark-gfm chromium stunnel4 time \
  clang libclang-rt-14-dev valgrind >/dev/null
