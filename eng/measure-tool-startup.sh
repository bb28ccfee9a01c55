#!/usr/bin/env bash
# Start-up of the installed `registry` tool against a hello-world console app, side by side: packs the tool for this
# machine's RID (self-contained, composite ReadyToRun) and the framework-dependent `any` fallback, installs each from a
# local feed into a temporary tool path, and times `registry validate ONE.json` and the hello-world app with hyperfine
# (Debian: apt-get install hyperfine), median of 20 runs each after 3 warm-ups. A measurement, not a test.
# Usage: eng/measure-tool-startup.sh [RID]    (default linux-x64)
set -euo pipefail
cd "$(dirname "$0")/.."
rid="${1:-linux-x64}"
runs="${RUNS:-20}"
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
version="0.0.0-startup.$(date +%s)"
sample="$PWD/samples/submissions/valid/01-iliofemoral-left-four-follow-ups.json"

echo "packing RegistryClient.Cli $version for $rid and any ..." >&2
dotnet pack src/RegistryClient.Cli -c Release -o "$work/feed" -p:PackageVersion="$version" \
  -p:RegistryToolRuntimeIdentifiers="$rid%3Bany" >"$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; exit 1; }

# The RID-specific install (what `dotnet tool install` picks on this machine) and the portable fallback, installed
# directly by its package id.
dotnet tool install RegistryClient.Cli --version "$version" --add-source "$work/feed" --tool-path "$work/rid" >&2
dotnet tool install RegistryClient.Cli.any --version "$version" --add-source "$work/feed" --tool-path "$work/any" >&2 \
  || echo "(the any package does not install on its own by id; skipping it)" >&2

mkdir -p "$work/hello"
cat >"$work/hello/hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
</Project>
XML
echo 'System.Console.WriteLine("Hello, World!");' >"$work/hello/Program.cs"
dotnet build "$work/hello" -c Release -o "$work/hello/out" >"$work/hello.log" 2>&1 || { cat "$work/hello.log" >&2; exit 1; }

commands=("$work/hello/out/hello" "$work/rid/registry validate $sample")
names=("hello world (framework-dependent)" "registry validate ($rid, self-contained composite R2R)")
if [ -x "$work/any/registry" ]; then
  commands+=("$work/any/registry validate $sample"); names+=("registry validate (any, framework-dependent)")
fi
args=()
for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/times.json" "${args[@]}" >&2

python3 - "$work/times.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
for r in results:
    print(f"{r['command']}: median {r['median'] * 1000:.1f} ms ({r['median'] / base:.2f}x hello world), runs {len(r['times'])}")
PY
