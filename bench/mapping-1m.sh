#!/usr/bin/env bash
# The 1M-row mapping benchmark (issue 13): generates a 1,000,000-row wide export (the committed theatre sample's 14
# episodes repeated with new episode numbers) as Windows-1252 CSV and as .xlsx into a temp folder (never committed),
# then maps each with the real CLI, `registry map`, timing it and reading its peak memory (max RSS) from
# /usr/bin/time, and times the phases in process to say where the time goes.
# Usage: bash bench/mapping-1m.sh [ROWS]     (default 1000000; needs /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dotnet build src/RegistryClient.Cli -c Release -v q -nologo >/dev/null
dotnet build bench/RegistryClient.Benchmarks -c Release -v q -nologo >/dev/null
bench=bench/RegistryClient.Benchmarks/bin/Release/net10.0/RegistryClient.Benchmarks.dll
registry=src/RegistryClient.Cli/bin/Release/net10.0/registry.dll
dotnet "$bench" mapping-generate "$work" "$rows"
ls -l "$work"
for kind in csv xlsx; do
  profile=samples/mappings/theatre-wide-export.profile.json
  [ "$kind" = xlsx ] && profile=samples/mappings/theatre-wide-export.xlsx.profile.json
  echo "== registry map ($kind, $rows rows)"
  /usr/bin/time -f "elapsed %e s, cpu %U s user + %S s system, max RSS %M KB" dotnet "$registry" map --profile "$profile" "$work/wide-1m.$kind" --output "$work/out.ndjson"
  echo "== phases ($kind)"
  dotnet "$bench" mapping-phases "$profile" "$work/wide-1m.$kind"
done
