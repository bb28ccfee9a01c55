#!/usr/bin/env bash
# Lints schemas/registry-api.v1.openapi.yaml with two independent tools (redocly, spectral) and checks that its
# Submission components are in step with the submission schema. Exit 0 only when all three pass with no error.
# Installs its pinned tools from package-lock.json on first use (npm ci).
set -euo pipefail
cd "$(dirname "$0")"
doc=../../schemas/registry-api.v1.openapi.yaml

if [ ! -x node_modules/.bin/redocly ] || [ ! -x node_modules/.bin/spectral ]; then
  npm ci --no-audit --no-fund --ignore-scripts >/dev/null
fi

node submission-components.mjs
node_modules/.bin/redocly lint --config redocly.yaml "$doc"
node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity warn "$doc"
