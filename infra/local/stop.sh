#!/usr/bin/env bash
# Stops what start.sh started in $STACK_DIR (same env vars as start.sh): SIGTERM, then SIGKILL after
# STACK_STOP_TIMEOUT seconds (default 15). CongoDB writes its data file on SIGTERM when STACK_PERSIST=1.
# Harmless when nothing runs. Usage: stop.sh [congodb|fauxqs|azurite ...] (default: all)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TIMEOUT=${STACK_STOP_TIMEOUT:-15}
for s in "$@"; do [[ " ${SERVICES[*]} " == *" $s "* ]] || { echo "stop.sh: unknown service '$s'" >&2; exit 2; }; done
(($# == 0)) || SERVICES=("$@")

declare -A pids=()
for s in "${SERVICES[@]}"; do
  pid=$(running_pid "$s")
  if [[ -n $pid ]]; then
    pids[$s]=$pid
    kill -TERM "$pid" 2>/dev/null || true
  else
    rm -f "$STACK_DIR/$s.pid"
  fi
done
if ((${#pids[@]} == 0)); then
  echo "nothing running in $STACK_DIR"
  exit 0
fi
echo "stopping ${!pids[*]} (state: $STACK_DIR)"

deadline=$((SECONDS + TIMEOUT))
for s in "${SERVICES[@]}"; do
  pid=${pids[$s]:-}
  [[ -n $pid ]] || continue
  while is_service_pid "$s" "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if is_service_pid "$s" "$pid"; then
    echo "  $s (pid $pid) still running after ${TIMEOUT}s: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for _ in {1..50}; do is_service_pid "$s" "$pid" || break; sleep 0.1; done
  else
    echo "  $s stopped"
  fi
  rm -f "$STACK_DIR/$s.pid"
done
