# Sourced by the set-up scripts that install a folder's pinned npm packages.
# npm_packages LABEL DIR MODULE...: runs `npm ci` in DIR unless every MODULE is installed from DIR's current
# package-lock.json (a stamp of its hash in node_modules says which lockfile it was).

npm_packages() {
  local label="$1" dir="$2"
  shift 2
  local tool
  for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$label: '$tool' is not on PATH; install Node.js 20 or newer (e.g. apt-get install nodejs npm)." >&2
      return 1
    fi
  done

  local stamp="$dir/node_modules/.scribe-lock-sha256" want have module current=1
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  have="$(cat "$stamp" 2>/dev/null || true)"
  for module in "$@"; do
    [[ -d "$dir/node_modules/$module" ]] || current=0
  done

  if [[ "$current" == 1 && "$have" == "$want" ]]; then
    echo "$label: node_modules is up to date ($dir)"
    return 0
  fi

  echo "$label: installing $* in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
  echo "$label: ready (node $(node --version))"
}
