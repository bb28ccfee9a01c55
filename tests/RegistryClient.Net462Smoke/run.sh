#!/usr/bin/env bash
# The net462 smoke run: the .NET Framework 4.6.2 build of the library under Mono validates a sample, maps the sample
# export, queues in the SQLite outbox (AnyCPU build: the package finds the native library) and submits to a sandbox.
# The sandbox is .NET 10 only: `registry sandbox` from the built CLI, on a free port. Needs a Release build of the
# solution first (`dotnet build RegistryClient.sln -c Release`) and `mono`. Exit 0 only when every step passed.
set -uo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
smoke="tests/RegistryClient.Net462Smoke/bin/Release/net462/RegistryClient.Net462Smoke.exe"
cli="src/RegistryClient.Cli/bin/Release/net10.0/registry.dll"
for f in "$smoke" "$cli"; do
  [ -f "$f" ] || { echo "net462 smoke: $f is missing; build the solution in Release first" >&2; exit 2; }
done
command -v mono >/dev/null 2>&1 || { echo "net462 smoke: mono is not installed (Debian: apt-get install mono-complete)" >&2; exit 2; }

work="$(mktemp -d)"
log="$work/sandbox.log"
dotnet "$cli" sandbox --port 0 --token net462-smoke-token >"$log" 2>&1 &
sandbox=$!
trap 'kill "$sandbox" 2>/dev/null; wait "$sandbox" 2>/dev/null; rm -rf "$work"' EXIT

url=""
for _ in $(seq 1 300); do   # up to 30 s for the sandbox to print its address
  url="$(sed -n 's/^Sandbox registry listening on \(http[^ ]*\).*/\1/p' "$log" 2>/dev/null)"
  [ -n "$url" ] && break
  kill -0 "$sandbox" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "net462 smoke: the sandbox did not start:" >&2; cat "$log" >&2; exit 1
fi

mono "$smoke" "$root" "$url" net462-smoke-token "$work/outbox"
