#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine with the .NET SDK: installs what the tests need
# (idempotent), builds, tests, and prints the closing line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

for setup in scripts/setup/*.sh; do
  bash "$setup"
done

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

status=0
dotnet test Cluster.sln --configuration Release \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true || status=$?

passed=0; failed=0; skipped=0; found=0
while IFS= read -r -d '' trx; do
  found=1
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
  errors=$(get error); timeouts=$(get timeout); aborted=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${errors:-0} + ${timeouts:-0} + ${aborted:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done < <(find "$results" -name '*.trx' -print0)

# The failures by name, just above the closing line, where a CI log cut to its tail still shows them.
while IFS= read -r -d '' trx; do
  grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"[^>]*>' "$trx" \
    | sed -n 's/.* testName="\([^"]*\)".*/failed: \1/p' || true
done < <(find "$results" -name '*.trx' -print0)

if [ "$found" -eq 0 ]; then
  echo "no test results were written" >&2
  status=1
fi
if [ "$failed" -gt 0 ] && [ "$status" -eq 0 ]; then status=1; fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
