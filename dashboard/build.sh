#!/usr/bin/env bash
# Installs the dashboard's npm packages and builds its static export into dashboard/out, when either is missing or
# older than the sources, and the embeddable widget into out/widget/v1/. Used by ./run.sh and ./test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v npm >/dev/null; then
  echo "dashboard: npm is missing; install Node.js 20.9+ with npm" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "dashboard: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
stamp=out/index.html
if [ -f "$stamp" ] && [ -z "$(find app components lib public widget package-lock.json next.config.mjs postcss.config.mjs tsconfig.json -newer "$stamp" -print -quit)" ]; then
  echo "dashboard: out/ is up to date"
else
  echo "dashboard: next build"
  NEXT_TELEMETRY_DISABLED=1 npx --no-install next build
fi
# The embeddable widget: one classic script (no modules, so one plain tag embeds it), bundled from widget/ and the
# Talk page's lib/voiceCall.ts, under a versioned path of the export. Next's build empties out/, so this runs always.
npm run --silent widget
