#!/usr/bin/env bash
# Declares every new public symbol the PublicApiAnalyzers report (RS0016) in its project's PublicAPI.Unshipped.txt and
# drops declared symbols that no longer exist (RS0017). Review the diff: it is the API change you are making.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp); trap 'rm -f "$log"' EXIT
dotnet build RegistryClient.sln -c Release -p:TreatWarningsAsErrors=false "$@" >"$log" 2>&1 || true
python3 - "$log" <<'PY'
import re, sys, os, collections
add = collections.defaultdict(set); drop = collections.defaultdict(set)
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.search(r"(RS0016|RS0017): Symbol '(.*)' is (?:not part|part) of the declared.*\[(.*?\.csproj)", line)
    if not m: continue
    code, symbol, proj = m.groups()
    target = os.path.join(os.path.dirname(proj), "PublicAPI.Unshipped.txt")
    (add if code == "RS0016" else drop)[target].add(symbol)
for target in set(add) | set(drop):
    lines = [l.rstrip("\n") for l in open(target, encoding="utf-8")] if os.path.exists(target) else ["#nullable enable"]
    body = [l for l in lines[1:] if l and l not in drop[target]]
    body = sorted(set(body) | add[target])
    open(target, "w", encoding="utf-8").write("\n".join([lines[0]] + body) + "\n")
    print(f"{target}: +{len(add[target])} -{len(drop[target])}")
PY
