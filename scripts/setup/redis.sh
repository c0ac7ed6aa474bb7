#!/usr/bin/env bash
# Installs Debian's redis-server for the multi-silo and persistence tests (they start their own instances).
# Idempotent; silent when it is present.
set -euo pipefail
command -v redis-server >/dev/null 2>&1 && exit 0
echo "redis setup: installing redis-server"
if ! apt-get install -y -qq redis-server >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq redis-server >/dev/null
fi
# The tests start private instances; the system service is not needed.
(systemctl disable --now redis-server >/dev/null 2>&1 || service redis-server stop >/dev/null 2>&1 || true)
