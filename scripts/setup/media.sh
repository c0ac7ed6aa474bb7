#!/usr/bin/env bash
# Installs what the silo's media process needs: @livekit/rtc-node (LiveKit's realtime SDK, a native module) in
# src/Media/agent. Idempotent: runs `npm ci` only when node_modules is missing or was installed from another lockfile.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/lib/npm-packages.sh"
npm_packages media "$root/src/Media/agent" @livekit/rtc-node
