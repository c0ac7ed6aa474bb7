#!/usr/bin/env bash
# Installs the official livekit-server-sdk that our interop tests check tokens and webhooks against.
# Idempotent: runs `npm ci` only when node_modules is missing or was installed from another lockfile.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/lib/npm-packages.sh"
npm_packages livekit-interop "$root/tests/interop/livekit" livekit-server-sdk
