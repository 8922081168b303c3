# Shared by start.sh and stop.sh (sourced): settings from the environment and small helpers.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STACK_DIR=$(realpath -m "${STACK_DIR:-$HERE/.runtime/state}")
MONGO_PORT=${MONGO_PORT:-27017}
S3_PORT=${S3_PORT:-4566}
AZURITE_BLOB_PORT=${AZURITE_BLOB_PORT:-10000}
AZURITE_QUEUE_PORT=${AZURITE_QUEUE_PORT:-10001}
AZURITE_TABLE_PORT=${AZURITE_TABLE_PORT:-10002}
STACK_PERSIST=${STACK_PERSIST:-1}
SERVICES=(congodb fauxqs azurite)

ports_of() {
  case $1 in
    congodb) echo "$MONGO_PORT" ;;
    fauxqs) echo "$S3_PORT" ;;
    azurite) echo "$AZURITE_BLOB_PORT $AZURITE_QUEUE_PORT $AZURITE_TABLE_PORT" ;;
  esac
}
# A word of the command line that tells our process apart from an unrelated one that got the same pid.
marker_of() {
  case $1 in
    congodb) echo congodb-server.mjs ;;
    fauxqs) echo fauxqs-server.mjs ;;
    azurite) echo azurite.js ;;
  esac
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# True while pid runs the given service (false once it exited, also for a zombie or a reused pid).
is_service_pid() {
  local cmd
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$2/cmdline") || return 1
  [[ $cmd == *"$(marker_of "$1")"* ]]
}
# Prints the pid of a service started from $STACK_DIR if that process still runs, else nothing.
running_pid() {
  local pid
  pid=$(cat "$STACK_DIR/$1.pid" 2>/dev/null) || return 0
  if [[ $pid =~ ^[0-9]+$ ]] && is_service_pid "$1" "$pid"; then echo "$pid"; fi
}
