#!/usr/bin/env bash
# Runs the cluster on its embedded defaults (one silo, in-process clustering and storage, the built-in
# PocketSphinx speech endpoint) and shows it transcribing a synthesized three-speaker meeting. By default the meeting
# is a room on the stand-in SFU (tests/interop/sfu) that the silo joins as a hidden agent through its media process
# (LiveKit:Audio=Agent), and the captions a viewer in the room received are shown too; `scripts/run.sh --audio egress`
# feeds it through the webhook → egress → ingest path instead. Installs what it needs; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup/speech.sh
bash scripts/setup/vad-model.sh
bash scripts/setup/media.sh
bash scripts/setup/sfu.sh
dotnet build Cluster.sln --configuration Release -nologo -v quiet
dotnet tools/Scribe.Demo/bin/Release/net10.0/Scribe.Demo.dll \
  --silo src/Silo/bin/Release/net10.0/Scribe.Silo.dll "$@"
