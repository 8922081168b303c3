#!/usr/bin/env bash
# Installs what the tests need, starts a throw-away local stack on test ports, and runs every test.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Campaigns]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"
source infra/local/prereqs.sh

export STACK_DIR="$ROOT/.local/test-stack" STACK_PERSIST=0
# A stack left over from an interrupted run of this checkout goes first.
infra/local/stop.sh >/dev/null 2>&1 || true
# Each port is the first free one from its default (never ./run.sh's), shifted by an offset taken from this
# checkout's path: two checkouts that start at once then scan different ports, where both once took the same
# "first free" one. The ports are picked just before the stack starts, and should another process still take one
# in between, the stack starts again on fresh ones (see below). TEST_*_PORT pin a port.
PINNED_PORTS="${TEST_MONGO_PORT:-}${TEST_S3_PORT:-}${TEST_AZURITE_BLOB_PORT:-}${TEST_AZURITE_QUEUE_PORT:-}${TEST_AZURITE_TABLE_PORT:-}"
PIN_MONGO=${TEST_MONGO_PORT:-} PIN_S3=${TEST_S3_PORT:-} PIN_BLOB=${TEST_AZURITE_BLOB_PORT:-}
PIN_QUEUE=${TEST_AZURITE_QUEUE_PORT:-} PIN_TABLE=${TEST_AZURITE_TABLE_PORT:-}
PORT_OFFSET=$(($(cksum <<<"$ROOT" | cut -d' ' -f1) % 200 * 5))
free_port() { local p=$1; while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done; echo "$p"; }
# $1: a further shift for a second try, so two stacks that collided do not scan the same ports again.
pick_ports() {
  local o=$((PORT_OFFSET + $1))
  export MONGO_PORT=${PIN_MONGO:-$(free_port $((27018 + o)))} S3_PORT=${PIN_S3:-$(free_port $((4567 + o)))}
  export AZURITE_BLOB_PORT=${PIN_BLOB:-$(free_port $((10010 + 3 * o)))}
  export AZURITE_QUEUE_PORT=${PIN_QUEUE:-$(free_port $((AZURITE_BLOB_PORT + 1)))}
  export AZURITE_TABLE_PORT=${PIN_TABLE:-$(free_port $((AZURITE_QUEUE_PORT + 1)))}
  export TEST_MONGO_PORT=$MONGO_PORT TEST_S3_PORT=$S3_PORT
  export TEST_AZURITE_BLOB_PORT=$AZURITE_BLOB_PORT TEST_AZURITE_QUEUE_PORT=$AZURITE_QUEUE_PORT TEST_AZURITE_TABLE_PORT=$AZURITE_TABLE_PORT
}

step "installing the local stack"
infra/local/install.sh
step "installing the Bicep CLI (NuGet Azure.Bicep.CommandLine.linux-x64)"
BICEP_PATH=$(infra/install-bicep.sh)
export BICEP_PATH
# The deployment template must compile; Deployment tests then check what it deploys.
"$BICEP_PATH" build infra/main.bicep --stdout >/dev/null
step "building"
dotnet build VoiceAgents.sln -c Release -nologo -clp:ErrorsOnly
# --- dashboard: Debian's Chromium for the browser tests (Playwright drives it; no browser download) and the
# static export they serve ---
if ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed"; then
  step "installing Debian's chromium for the browser tests"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
step "building the dashboard"
dashboard/build.sh
# --- end dashboard ---

step "starting the test stack"
trap 'infra/local/stop.sh >/dev/null 2>&1 || true' EXIT
# start.sh fails when a port it was given is taken by then (it stops what it started): pick again and retry.
for try in 1 2 3 4 5; do
  pick_ports $(((try - 1) * (RANDOM % 40 + 10)))
  infra/local/start.sh && break
  if ((try == 5)) || [[ -n $PINNED_PORTS ]]; then exit 1; fi
  echo "test.sh: starting the stack again on other ports"
done

step "running the tests"
mkdir -p .local/test-results
set +e
dotnet test VoiceAgents.sln -c Release --no-build --nologo \
  --logger "trx;LogFileName=results.trx" --results-directory .local/test-results "$@" 2>&1 | tee .local/test-results/console.log
status=${PIPESTATUS[0]}
set -e
summary=$(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' .local/test-results/console.log | tail -1 || true)
failed=$(sed -E 's/Failed: +([0-9]+).*/\1/' <<<"$summary")
passed=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
skipped=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
echo
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
