#!/usr/bin/env bash
# Installs what the tests need, starts a throw-away local stack on test ports, and runs every test.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Campaigns]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"
source infra/local/prereqs.sh

export STACK_DIR="$ROOT/.local/test-stack" STACK_PERSIST=0
# A stack left over from an interrupted run of this checkout goes first; then each port is the first free one
# from its default, so tests never collide with ./run.sh or another checkout's tests.
infra/local/stop.sh >/dev/null 2>&1 || true
free_port() { local p=$1; while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done; echo "$p"; }
export MONGO_PORT=${TEST_MONGO_PORT:-$(free_port 27018)} S3_PORT=${TEST_S3_PORT:-$(free_port 4567)}
export AZURITE_BLOB_PORT=${TEST_AZURITE_BLOB_PORT:-$(free_port 10010)}
export AZURITE_QUEUE_PORT=${TEST_AZURITE_QUEUE_PORT:-$(free_port $((AZURITE_BLOB_PORT + 1)))}
export AZURITE_TABLE_PORT=${TEST_AZURITE_TABLE_PORT:-$(free_port $((AZURITE_QUEUE_PORT + 1)))}
export TEST_MONGO_PORT=$MONGO_PORT TEST_S3_PORT=$S3_PORT
export TEST_AZURITE_BLOB_PORT=$AZURITE_BLOB_PORT TEST_AZURITE_QUEUE_PORT=$AZURITE_QUEUE_PORT TEST_AZURITE_TABLE_PORT=$AZURITE_TABLE_PORT

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
infra/local/start.sh
trap 'infra/local/stop.sh >/dev/null 2>&1 || true' EXIT

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
