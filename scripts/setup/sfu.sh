#!/usr/bin/env bash
# Prepares the stand-in SFU (tests/interop/sfu): Debian's flite and opus-tools to make test speech, and the pinned
# npm packages (werift, @livekit/protocol, @livekit/rtc-node and its linux-x64 native module, livekit-server-sdk).
# Idempotent: apt only when a tool is missing, `npm ci` only when node_modules is missing or from another lockfile.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if ! command -v flite >/dev/null 2>&1 || ! command -v opusenc >/dev/null 2>&1; then
  if ! apt-get install -y -qq flite opus-tools >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq flite opus-tools >/dev/null
  fi
fi

source "$root/scripts/lib/npm-packages.sh"
npm_packages sfu "$root/tests/interop/sfu" werift @livekit/rtc-node
