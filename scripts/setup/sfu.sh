#!/usr/bin/env bash
# Prepares the stand-in SFU (tests/interop/sfu): Debian's flite and opus-tools to make test speech, and the pinned
# npm packages (werift, @livekit/protocol, @livekit/rtc-node and its linux-x64 native module, livekit-server-sdk).
# Idempotent: apt only when a tool is missing, `npm ci` only when node_modules is missing or from another lockfile.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$root/tests/interop/sfu"

if ! command -v flite >/dev/null 2>&1 || ! command -v opusenc >/dev/null 2>&1; then
  if ! apt-get install -y -qq flite opus-tools >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq flite opus-tools >/dev/null
  fi
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "sfu: '$tool' is not on PATH; install Node.js 20 or newer (e.g. apt-get install nodejs npm)." >&2
    exit 1
  fi
done

stamp="$dir/node_modules/.scribe-lock-sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"

if [[ -d "$dir/node_modules/werift" && -d "$dir/node_modules/@livekit/rtc-node" && "$have" == "$want" ]]; then
  echo "sfu: node_modules is up to date ($dir)"
  exit 0
fi

echo "sfu: installing the stand-in SFU's packages in $dir"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" > "$stamp"
echo "sfu: ready (node $(node --version), $(flite --version 2>&1 | head -1))"
