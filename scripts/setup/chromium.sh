#!/usr/bin/env bash
# Installs Debian's Chromium for the dashboard's browser tests (Playwright drives it through
# ExecutablePath; Playwright's own browser download is never used). Idempotent; silent when present.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
echo "chromium setup: installing chromium"
if ! apt-get install -y -qq chromium >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
