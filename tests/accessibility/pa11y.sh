#!/usr/bin/env bash
# Checks HTML pages (registry report, registry reconcile --format html) with pa11y: axe and HTML_CodeSniffer, WCAG 2 AA.
# Uses Debian's /usr/bin/chromium (no browser download). Exit non-zero on any issue.
#   tests/accessibility/pa11y.sh report.html reconcile.html
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x "$here/node_modules/.bin/pa11y" ]; then
  (cd "$here" && PUPPETEER_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund >/dev/null)
fi
status=0
for page in "$@"; do
  "$here/node_modules/.bin/pa11y" --config "$here/pa11y.json" "file://$(realpath "$page")" || status=1
done
exit $status
