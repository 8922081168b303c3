#!/usr/bin/env bash
# Installs the Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 into .local/tools/bicep (git-ignored)
# and prints the path of the binary. Idempotent: a binary of the pinned version that is already there is kept.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

BICEP_VERSION=0.49.2
BICEP_NUPKG_SHA256=4200806a921d2ba1ea7de78ec2e064cefe313f26f612be442e5161452af70d9d
# The NuGet v3 flat container of the configured source (nuget.org unless NUGET_FLAT_CONTAINER says otherwise).
FEED=${NUGET_FLAT_CONTAINER:-https://api.nuget.org/v3-flatcontainer}
ID=azure.bicep.commandline.linux-x64
DIR="$ROOT/.local/tools/bicep/$BICEP_VERSION"
BIN="$DIR/bicep"

if [[ -x "$BIN" ]] && "$BIN" --version 2>/dev/null | grep -q "$BICEP_VERSION"; then
  echo "$BIN"; exit 0
fi
mkdir -p "$DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A package NuGet already restored on this machine is used as is; otherwise it is downloaded.
cached="${NUGET_PACKAGES:-$HOME/.nuget/packages}/$ID/$BICEP_VERSION/$ID.$BICEP_VERSION.nupkg"
if [[ -f "$cached" ]]; then
  cp "$cached" "$tmp/bicep.nupkg"
else
  echo "[bicep] downloading $ID $BICEP_VERSION from $FEED" >&2
  curl -fsSL --retry 3 -o "$tmp/bicep.nupkg" "$FEED/$ID/$BICEP_VERSION/$ID.$BICEP_VERSION.nupkg"
fi
echo "$BICEP_NUPKG_SHA256  $tmp/bicep.nupkg" | sha256sum -c --status || { echo "[bicep] unexpected sha256 of the package" >&2; exit 1; }
unzip -q -o -j "$tmp/bicep.nupkg" tools/bicep -d "$DIR"
chmod +x "$BIN"
"$BIN" --version >&2
echo "$BIN"
