#!/usr/bin/env bash
# The 1M-row mapping benchmark (issues 13 and 20). Generates into a temp folder (never committed):
#   wide-1m.csv  the theatre sample's 14 episodes repeated with new episode numbers (Windows-1252, ';', one row each)
#   ris-1m.csv   the RIS sample's 31 mapping episodes repeated (UTF-8, ',', an episode row then its follow-up rows)
#   wide-1m.xlsx the wide export as a workbook (skipped with SKIP_XLSX=1)
# For each CSV shape it times the read-only pass (rows read and their used columns decoded, nothing mapped: the
# floor) and then `registry map` with the real CLI under /usr/bin/time (wall, CPU, peak RSS), and prints rows/s
# by wall time and per CPU-second, and map/read ratios (the issue 20 goal: map within 2.5x of reading). The machine
# is shared, so the CPU-second figures are the steadier ones; the load average is printed with each run. ROUNDS
# (default 3) runs the read-only pass and the map in turn that many times and reports medians; OUT_DIR (default the
# temp folder) is where the map's output goes (/dev/shm takes the disk's page-cache cost out of the figures).
# Then it maps the workbook and times the wide CSV's mapping phases in process, to say where the time goes.
# Usage: [ROUNDS=3] [OUT_DIR=DIR] [SKIP_XLSX=1] [SKIP_PHASES=1] bash bench/mapping-1m.sh [ROWS]     (default 1000000; needs /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dotnet build src/RegistryClient.Cli -c Release -v q -nologo >/dev/null
dotnet build bench/RegistryClient.Benchmarks -c Release -v q -nologo >/dev/null
cp -r bench/RegistryClient.Benchmarks/bin/Release/net10.0 "$work/bench"   # run copies: a rebuild meanwhile cannot swap them
cp -r src/RegistryClient.Cli/bin/Release/net10.0 "$work/cli"
bench="$work/bench/RegistryClient.Benchmarks.dll"
registry="$work/cli/registry.dll"
if [ "${SKIP_XLSX:-0}" = 1 ]; then
  dotnet "$bench" mapping-generate "$work" "$rows" --csv-only
else
  dotnet "$bench" mapping-generate "$work" "$rows"
fi
ls -l "$work"/*-1m.*

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
rounds=${ROUNDS:-3}
out=${OUT_DIR:-$work}/out.ndjson
summary=()
for shape in wide ris; do
  profile=samples/mappings/theatre-wide-export.profile.json
  [ "$shape" = ris ] && profile=samples/mappings/ris-export.profile.json
  input="$work/$shape-1m.csv"
  rwalls=(); rcpus=(); walls=(); cpus=(); rsss=(); wratios=(); cratios=()
  # Read and map take turns, so a round's ratio compares two runs made under the same load; medians over the rounds.
  for round in $(seq 1 "$rounds"); do
    echo "== $shape, round $round of $rounds: read-only pass ($rows rows; load: $(cut -d' ' -f1-3 /proc/loadavg))"
    read -r _ n _ _ rwall _ rcpu < <(dotnet "$bench" mapping-read "$profile" "$input")
    echo "read $n rows: wall $rwall s ($(rate "$n" "$rwall") rows/s), cpu $rcpu s ($(rate "$n" "$rcpu") rows/cpu-s)"
    echo "== $shape, round $round of $rounds: registry map (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    rm -f "$out"
    /usr/bin/time -o "$work/time" -f "%e %U %S %M" dotnet "$registry" map --profile "$profile" "$input" --output "$out" || true
    read -r wall user sys rss < "$work/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    echo "map: elapsed $wall s, cpu $user s user + $sys s system, max RSS $rss KB; $(rate "$rows" "$wall") rows/s, $(rate "$rows" "$cpu") rows/cpu-s; output $(stat -c %s "$out") bytes"
    rwalls+=("$rwall"); rcpus+=("$rcpu"); walls+=("$wall"); cpus+=("$cpu"); rsss+=("$rss")
    wratios+=("$(awk -v m="$wall" -v r="$rwall" 'BEGIN { print m / r }')"); cratios+=("$(awk -v m="$cpu" -v r="$rcpu" 'BEGIN { print m / r }')")
  done
  rwall=$(median "${rwalls[@]}"); rcpu=$(median "${rcpus[@]}"); wall=$(median "${walls[@]}"); cpu=$(median "${cpus[@]}"); rss=$(median "${rsss[@]}")
  ratios=$(printf 'map/read %.2fx by wall time, %.2fx by CPU time' "$(median "${wratios[@]}")" "$(median "${cratios[@]}")")
  echo "$ratios (medians of $rounds rounds)"
  summary+=("$(printf '%-5s read %9s rows/s (%9s rows/cpu-s) | map %9s rows/s (%9s rows/cpu-s), peak RSS %6.1f MB | %s' \
    "$shape" "$(rate "$rows" "$rwall")" "$(rate "$rows" "$rcpu")" "$(rate "$rows" "$wall")" "$(rate "$rows" "$cpu")" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$ratios")")
done
rm -f "$out"

echo "== summary ($rows rows each; medians of $rounds rounds, read and map in turn)"
printf '%s\n' "${summary[@]}"

if [ "${SKIP_XLSX:-0}" != 1 ]; then
  echo "== registry map (xlsx, $rows rows)"
  /usr/bin/time -f "elapsed %e s, cpu %U s user + %S s system, max RSS %M KB" dotnet "$registry" map --profile samples/mappings/theatre-wide-export.xlsx.profile.json "$work/wide-1m.xlsx" --output "$work/out.ndjson" || true
  rm -f "$work/out.ndjson"
fi
# Where the time goes: more passes over the wide CSV (rows only; stage by stage on one thread; NDJSON as the CLI
# writes it; typed submissions).
if [ "${SKIP_PHASES:-0}" != 1 ]; then
  echo "== phases (wide csv)"
  dotnet "$bench" mapping-phases samples/mappings/theatre-wide-export.profile.json "$work/wide-1m.csv"
fi
