# Sourced by ./run.sh and ./test.sh: checks and installs what the machine needs (apt as root, npm, NuGet).
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

APT_PACKAGES=(curl ca-certificates patch unzip pocketsphinx pocketsphinx-en-us libpocketsphinx3 flite libflite1 espeak-ng sox libsoxr0)

need_apt=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if ((${#need_apt[@]})); then
  step "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

command -v node >/dev/null || { echo "Node.js 20+ and npm are required (apt-get install nodejs npm)." >&2; exit 1; }
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (https://dot.net); it is not in Debian's archive." >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
