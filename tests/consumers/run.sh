#!/usr/bin/env bash
# A consumer's first hour (issue 19), as the README tells it: pack the solution into a fresh folder feed with the
# README's command, install the `registry` tool from it and start its sandbox registry, then for net10.0, net8.0 and
# net48 (AnyCPU) make a clean console project outside the clone, add the feed with the README's nuget.config (beside
# the machine's own NuGet source, which it keeps), `dotnet add package`, build in Release with every warning an error,
# and run the README's quick start against the sandbox. The quick start is not a copy: it is the csharp block after
# the `<!-- quick-start` marker in README.md, written as the consumer's Program.cs, so the README cannot drift.
#
# Package cache: one NUGET_PACKAGES folder, empty at the start and deleted at the end, shared by the tool install and
# the three consumers (so each dependency is downloaded once); never the developer's ~/.nuget/packages. The pack itself
# is the clone's build and uses the clone's cache as a developer's would.
# Runtimes: only .NET 10 need be installed. The net8.0 consumer is built for net8.0 and run on .NET 10 with
# DOTNET_ROLL_FORWARD=Major (a real net8.0 host runs it on .NET 8); the net48 consumer runs under Mono.
# Prints the pack time and each consumer's bin size; exits 0 only when every step passed, otherwise 1 with the step
# that failed and its log. Run from anywhere: bash tests/consumers/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

started=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/tmp}/registry-consumers.XXXXXX")"
sandbox=""
cleanup() {
  [ -n "$sandbox" ] && { kill "$sandbox" 2>/dev/null; wait "$sandbox" 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT

fail() {  # fail STEP [LOG]: say which step failed, show the end of its log, stop
  echo "consumers: FAILED: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then echo "--- last lines of $(basename "$2"):" >&2; tail -n 40 "$2" >&2; fi
  exit 1
}
command -v mono >/dev/null 2>&1 || fail "mono is not installed (Debian: apt-get install mono-complete); the net48 consumer runs under it"

# The README's own words, so that the script and the README cannot part: the pack command, the nuget.config and the
# quick start's Program.cs.
pack_line='dotnet pack RegistryClient.sln -c Release -o "$PWD/feed"'
grep -qF "$pack_line" README.md || fail "README.md no longer says: $pack_line"
awk '/^```xml$/ { inside = 1; block = ""; next }
     inside && /^```$/ { inside = 0; if (block ~ /\/path\/to\/RegistryClient\/feed/) { printf "%s", block; exit } next }
     inside { block = block $0 "\n" }' README.md >"$work/nuget.config.readme"
grep -q '/path/to/RegistryClient/feed' "$work/nuget.config.readme" || fail "README.md has no xml block adding /path/to/RegistryClient/feed as a source"
awk '/^<!-- quick-start/ { marked = 1; next }
     marked && /^```csharp$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' README.md >"$work/Program.cs"
[ -s "$work/Program.cs" ] || fail "README.md has no csharp block after a <!-- quick-start --> marker"

# 1. Pack, as the README says (a fresh folder: nothing an earlier pack left can be installed).
feed="$work/feed"
pack_started=$(date +%s%N)
dotnet pack RegistryClient.sln -c Release -o "$feed" >"$work/pack.log" 2>&1 || fail "dotnet pack RegistryClient.sln -c Release" "$work/pack.log"
pack_seconds=$(awk -v a="$pack_started" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
version=$(ls "$feed" | sed -n 's/^RegistryClient\.\([0-9][^A-Za-z]*[0-9]\(-[0-9A-Za-z.-]*\)\?\)\.nupkg$/\1/p' | head -1)
[ -n "$version" ] || fail "the feed holds no RegistryClient package" "$work/pack.log"
printf 'consumers: packed %s in %s s into a fresh feed: %s\n' "$version" "$pack_seconds" "$(cd "$feed" && ls *.nupkg | sed 's/\.[0-9].*//' | tr '\n' ' ')"

# From here on, nothing comes from the developer's package cache, and nothing from the clone's nuget.config: every
# command runs in $work, whose sources are the machine's configured ones plus what the README's nuget.config adds.
export NUGET_PACKAGES="$work/packages"
mkdir -p "$NUGET_PACKAGES"
sed "s#/path/to/RegistryClient/feed#$feed#" "$work/nuget.config.readme" >"$work/nuget.config"

# 2. The `registry` tool from the feed (the README's install line, into a folder instead of -g), and its sandbox.
(cd "$work" && dotnet tool install --tool-path "$work/tool" RegistryClient.Cli --version "$version" --add-source "$feed") >"$work/tool.log" 2>&1 \
  || fail "dotnet tool install RegistryClient.Cli --add-source FEED" "$work/tool.log"
token="consumers-token"
"$work/tool/registry" sandbox --port 0 --token "$token" >"$work/sandbox.log" 2>&1 &
sandbox=$!
url=""
for _ in $(seq 1 300); do   # up to 30 s for the sandbox to print its address
  url="$(sed -n 's/^Sandbox registry listening on \(http[^ ]*\).*/\1/p' "$work/sandbox.log" 2>/dev/null)"
  [ -n "$url" ] && break
  kill -0 "$sandbox" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || fail "registry sandbox (from the installed tool) did not start" "$work/sandbox.log"

# 3. The consumers. Each gets its own valid sample, so each quick start creates a case of its own.
samples=("$root"/samples/submissions/valid/*.json)
sizes=""
consumer() {  # consumer TFM SAMPLE PACKAGE...
  local tfm="$1" sample="$2"; shift 2
  local dir="$work/consumer-$tfm" extra=""
  mkdir -p "$dir"
  # .NET Framework: C# 9+ for top-level statements, and AnyCPU, the usual shape of a trust's integration host.
  [ "$tfm" = net48 ] && extra="<LangVersion>latest</LangVersion><PlatformTarget>AnyCPU</PlatformTarget>"
  cat >"$dir/consumer.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>$tfm</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>$extra
  </PropertyGroup>
</Project>
EOF
  cp "$work/nuget.config" "$dir/nuget.config"
  cp "$work/Program.cs" "$dir/Program.cs"
  local log="$dir/build.log"
  for package in "$@"; do
    (cd "$dir" && dotnet add package "$package") >>"$log" 2>&1 || fail "$tfm: dotnet add package $package" "$log"
  done
  # Every warning is an error but one: NU1603, which this machine's package mirror causes (it lacks some exact versions,
  # so NuGet takes the next one up; nuget.org has them). It is printed, not hidden.
  (cd "$dir" && dotnet build -c Release -warnaserror -warnnotaserror:NU1603) >>"$log" 2>&1 \
    || fail "$tfm: dotnet build -c Release -warnaserror" "$log"
  if grep -E '(^warn *: *|: warning )[A-Z]+[0-9]+' "$log" | grep -v 'NU1603' >&2; then fail "$tfm: the build printed the warnings above" "$log"; fi
  grep -ho 'NU1603: .*was resolved instead\.' "$log" | sort -u | sed "s/^/consumers: $tfm: package mirror gap, not a warning of ours: /"

  local bin="$dir/bin/Release/$tfm" lib
  case "$tfm" in net10.0|net8.0) lib="$tfm" ;; *) lib=net462 ;; esac
  cmp -s "$bin/RegistryClient.dll" "$NUGET_PACKAGES/registryclient/$(echo "$version" | tr 'A-Z' 'a-z')/lib/$lib/RegistryClient.dll" \
    || fail "$tfm: bin/ does not hold the package's lib/$lib/RegistryClient.dll"

  local run=(dotnet "$bin/consumer.dll")
  [ "$tfm" = net8.0 ] && run=(env DOTNET_ROLL_FORWARD=Major dotnet "$bin/consumer.dll")
  [ "$tfm" = net48 ] && run=(mono "$bin/consumer.exe")
  local out="$dir/quick-start.out"
  REGISTRY_ENDPOINT="$url" REGISTRY_TOKEN="$token" "${run[@]}" "$sample" >"$out" 2>&1 \
    || fail "$tfm: the README's quick start exited non-zero against the sandbox" "$out"
  grep -q '^Created: case ' "$out" || fail "$tfm: the README's quick start did not print 'Created: case ...'" "$out"

  local bytes files
  bytes=$(du -sb "$bin" | cut -f1); files=$(find "$bin" -type f | wc -l)
  sizes="$sizes$(printf '  %-7s bin/ %5.1f MB in %3d files (%s)' "$tfm" "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')" "$files" "$*")"$'\n'
  echo "consumers: $tfm built without a warning, and its quick start says: $(head -1 "$out")"
  last_bytes=$bytes
}

consumer net10.0 "${samples[0]}" RegistryClient
# The core alone brings no native binary, and a net10.0 service's bin/ stays under 15 MB (the README's package table).
natives=$(find "$work/consumer-net10.0/bin" -type f \( -name '*.so' -o -name '*.dylib' -o -name '*.dll.a' -o -path '*/native/*' \) | head -3)
[ -z "$natives" ] || fail "net10.0: the core package brought native files: $natives"
[ "$last_bytes" -lt $((15 * 1024 * 1024)) ] || fail "net10.0: bin/ is $last_bytes bytes; the README promises under 15 MB"
# The README says a second run prints Unchanged: the registry stores each case once.
REGISTRY_ENDPOINT="$url" REGISTRY_TOKEN="$token" dotnet "$work/consumer-net10.0/bin/Release/net10.0/consumer.dll" "${samples[0]}" \
  >"$work/again.out" 2>&1 || fail "net10.0: the quick start's second run exited non-zero" "$work/again.out"
grep -q '^Unchanged: case ' "$work/again.out" || fail "net10.0: the quick start's second run did not print 'Unchanged: case ...'" "$work/again.out"

consumer net8.0 "${samples[1]}" RegistryClient

# Off Windows the SDK itself brings the .NET Framework reference assemblies (Microsoft.NETFramework.ReferenceAssemblies),
# so the consumer adds only our packages, as on Windows.
consumer net48 "${samples[2]}" RegistryClient RegistryClient.Outbox.Sqlite
[ -d "$work/consumer-net48/bin/Release/net48/runtimes/linux-x64/native" ] \
  || fail "net48: the outbox package did not put the SQLite natives under bin/.../runtimes/ for an AnyCPU app"

echo "consumers: pack $pack_seconds s; bin sizes:"
printf '%s' "$sizes"
echo "consumers: passed in $(( $(date +%s) - started )) s (empty package cache at start: $(du -sh "$NUGET_PACKAGES" | cut -f1) downloaded)"
