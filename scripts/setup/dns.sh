#!/usr/bin/env bash
# Installs Debian's dnsmasq for the DNS discovery tests (they start a private instance on a high loopback port
# and change its records while they run). Only the binary is wanted: the system service is left stopped.
# Idempotent; silent when it is present.
set -euo pipefail
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] && exit 0
echo "dns setup: installing dnsmasq-base"
# dnsmasq-base is the program without the system service (which would take port 53).
if ! apt-get install -y -qq dnsmasq-base >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq dnsmasq-base >/dev/null
fi
