#!/usr/bin/env bash
# Installs the official livekit-server-sdk that our interop tests check tokens and webhooks against.
# Idempotent: runs `npm ci` only when node_modules is missing or was installed from another lockfile.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$root/tests/interop/livekit"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "livekit-interop: '$tool' is not on PATH; install Node.js 18 or newer (e.g. apt-get install nodejs npm)." >&2
    exit 1
  fi
done

stamp="$dir/node_modules/.scribe-lock-sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"

if [[ -d "$dir/node_modules/livekit-server-sdk" && "$have" == "$want" ]]; then
  echo "livekit-interop: node_modules is up to date ($dir)"
  exit 0
fi

echo "livekit-interop: installing livekit-server-sdk in $dir"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" > "$stamp"
echo "livekit-interop: ready (node $(node --version))"
