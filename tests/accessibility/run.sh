#!/usr/bin/env bash
# The accessibility check CI runs (one counted test): renders the pages governance leads read - `registry report`
# over the samples and `registry reconcile --format html` against a local sandbox - with the built CLI, and requires
# pa11y (axe + HTML_CodeSniffer, WCAG 2 AA, Debian's chromium) to find no issue in any (the reconciliation also with
# --activity, case finding against coded activity); a deliberately bad page
# must fail it, so a check that runs nothing cannot pass. Usage: tests/accessibility/run.sh (after a Release build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
registry=(dotnet "$root/src/RegistryClient.Cli/bin/Release/net10.0/registry.dll")
work="$(mktemp -d)"
sandbox=""
cleanup() { [ -n "$sandbox" ] && kill "$sandbox" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"${registry[@]}" report "$root/samples/submissions/valid" "$root/samples/submissions/invalid" --html "$work/report.html" >/dev/null 2>&1

"${registry[@]}" sandbox --port 0 >"$work/sandbox.log" 2>&1 &
sandbox=$!
for _ in $(seq 1 100); do grep -q 'http://' "$work/sandbox.log" && break; sleep 0.2; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/sandbox.log" | head -1)
[ -n "$url" ] || { echo "accessibility: the sandbox did not start" >&2; cat "$work/sandbox.log" >&2; exit 1; }
export A11Y_REGISTRY_TOKEN=sandbox-token
# Some cases on the registry, some not: the reconciliation page then shows every kind of row.
"${registry[@]}" submit "$root"/samples/submissions/valid/0[1-5]*.json --endpoint "$url" --token-env A11Y_REGISTRY_TOKEN --outbox "$work/outbox.db" >/dev/null
"${registry[@]}" reconcile "$root/samples/submissions/valid" --organisation RJ1 --endpoint "$url" --token-env A11Y_REGISTRY_TOKEN \
  --format html --output "$work/reconcile.html" >/dev/null 2>&1 || true   # exit 1 means "action needed", not a failure
[ -s "$work/reconcile.html" ] || { echo "accessibility: registry reconcile wrote no page" >&2; exit 1; }
# Case finding (--activity): the sample RIS export against the sample theatre coding extract, so the page shows both
# ascertainment figures, the not-recorded and ambiguous coded episodes, and the coding gaps.
"${registry[@]}" reconcile "$root/samples/exports/ris-export.csv" --profile "$root/samples/mappings/ris-export.profile.json" \
  --activity "$root/samples/activity/theatre-coding.csv" --activity-profile "$root/samples/activity/theatre-coding.activity-profile.json" \
  --endpoint "$url" --token-env A11Y_REGISTRY_TOKEN --format html --output "$work/reconcile-activity.html" >/dev/null 2>&1 || true
grep -q 'id="coded-ascertainment"' "$work/reconcile-activity.html" 2>/dev/null \
  || { echo "accessibility: registry reconcile --activity wrote no page with the coded-activity figure" >&2; exit 1; }

if bash "$here/pa11y.sh" "$here/known-bad.html" >"$work/control.log" 2>&1; then
  echo "accessibility: pa11y found nothing wrong with known-bad.html, so it is not checking anything" >&2
  exit 1
fi
bash "$here/pa11y.sh" "$work/report.html" "$work/reconcile.html" "$work/reconcile-activity.html"
