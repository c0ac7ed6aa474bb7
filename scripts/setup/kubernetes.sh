#!/usr/bin/env bash
# Installs kubectl (Debian's kubernetes-client) so the tests can render deploy/kubernetes with `kubectl kustomize`
# (no cluster runs here: rendering only). A kubectl already on the PATH is used as it is.
# Idempotent; silent when it is present.
set -euo pipefail
command -v kubectl >/dev/null 2>&1 && exit 0
echo "kubernetes setup: installing kubernetes-client (kubectl)"
if ! apt-get install -y -qq kubernetes-client >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq kubernetes-client >/dev/null
fi
