#!/usr/bin/env bash
# Installs Debian's docker-compose so the tests can check compose.yml (`config` only: no engine runs here).
set -euo pipefail
command -v docker-compose >/dev/null 2>&1 && exit 0
echo "compose setup: installing docker-compose"
if ! apt-get install -y -qq docker-compose >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq docker-compose >/dev/null
fi
