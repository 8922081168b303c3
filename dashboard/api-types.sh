#!/usr/bin/env bash
# Generates the dashboard's API types (lib/api-types.ts) from the API's OpenAPI document with openapi-typescript, from
# the dashboard's own npm packages (so it works offline once `npm ci` has run).
# Usage: dashboard/api-types.sh [document: URL or file] [output]
#   defaults: ./run.sh's API, http://127.0.0.1:7071/api/openapi.json, and lib/api-types.ts.
# ApiTypesTests (./test.sh) regenerates the file from the test runner's live document and fails when the checked-in
# one differs: run this against ./run.sh's API after changing a request or response record, and commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source="${1:-http://127.0.0.1:7071/api/openapi.json}"
out="${2:-lib/api-types.ts}"
if [ ! -x node_modules/.bin/openapi-typescript ]; then
  echo "dashboard: openapi-typescript is missing; run dashboard/build.sh (or npm ci) first" >&2
  exit 1
fi
# --default-non-nullable=false: a property with a default may still be absent from a body (nulls are not written).
node_modules/.bin/openapi-typescript "$source" --output "$out" --alphabetize --default-non-nullable=false >/dev/null
