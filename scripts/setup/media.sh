#!/usr/bin/env bash
# Installs what the silo's media process needs: @livekit/rtc-node (LiveKit's realtime SDK, a native module) in
# src/Media/agent. Idempotent: runs `npm ci` only when node_modules is missing or was installed from another lockfile.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$root/src/Media/agent"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "media: '$tool' is not on PATH; install Node.js 20 or newer (e.g. apt-get install nodejs npm)." >&2
    exit 1
  fi
done

stamp="$dir/node_modules/.scribe-lock-sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"

if [[ -d "$dir/node_modules/@livekit/rtc-node" && "$have" == "$want" ]]; then
  echo "media: node_modules is up to date ($dir)"
  exit 0
fi

echo "media: installing @livekit/rtc-node in $dir"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" > "$stamp"
echo "media: ready (node $(node --version))"
