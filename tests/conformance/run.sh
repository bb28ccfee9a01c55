#!/usr/bin/env bash
# Conformance of `registry validate` with two independent JSON Schema draft-04 validators on 8,000 schema-guided
# mutants of the valid samples (deterministic seed). Needs the CLI built in Release (dotnet build) and npm.
# Exit 0 when registry never crashed and never called valid a document both validators reject.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
count="${CONFORMANCE_COUNT:-8000}"
seed="${CONFORMANCE_SEED:-20261125}"
cli="$here/../../src/RegistryClient.Cli/bin/Release/net10.0/registry.dll"
[ -f "$cli" ] || { echo "conformance: $cli is missing; build the solution in Release first"; exit 2; }

npm ci --no-audit --no-fund --silent
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
node generate-mutants.mjs --count "$count" --seed "$seed" --out "$work/mutants.ndjson"
set +e
dotnet "$cli" validate "$work/mutants.ndjson" --format json >"$work/registry.json" 2>"$work/registry.err"
exit_code=$?
set -e
if grep -q "Unhandled\|   at " "$work/registry.err"; then
  echo "conformance: FAIL registry printed a stack trace:"; head -20 "$work/registry.err"; exit 1
fi
node compare.mjs "$work/mutants.ndjson" "$work/registry.json" "$exit_code"
