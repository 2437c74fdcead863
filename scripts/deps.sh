#!/usr/bin/env bash
# Installs the Debian packages Voces needs to build and test, when missing.
# Safe to run again: it installs nothing when everything is there.
set -euo pipefail

# Build: Fyne needs cgo and the X11/GL headers. Test: Xvfb for the kiosk
# under a real X server (x11-utils: xdpyinfo checks that it answers),
# PostgreSQL for the second central store, Chromium for the dashboard,
# poppler for reading exported PDFs, imagemagick and x11-apps for
# screenshots; prometheus for promtool (checks /metrics); mingw-w64 for
# the Windows kiosk; file, desktop-file-utils and systemd (systemd-analyze)
# for the packaging tests; nginx as the TLS-terminating proxy in front of
# two central nodes; help2man for the manual pages scripts/package.sh
# makes from --help, and lintian, which the packaging tests run on the
# built packages; espeak-ng for the kiosk's spoken guidance, sox to check
# its audio in tests, and zbar-tools (zbarimg) to read the receipt's QR
# code in tests and screenshots.
packages=(
  gcc pkg-config
  libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
  xvfb x11-utils x11-apps imagemagick
  postgresql
  chromium
  poppler-utils
  gcc-mingw-w64-x86-64 file desktop-file-utils systemd
  prometheus
  nginx-light
  help2man lintian
  espeak-ng sox zbar-tools
)

# npm tools for the dashboard's accessibility and markup checks (axe-core,
# html-validate), pinned, outside the repository.
"$(dirname "$0")/npm-deps.sh"

# staticcheck, which `make vet` runs, at one version so that every machine
# reports the same findings. Release 2026.2.2 is the module's v0.8.2 (the
# Go module proxy serves the semver tag, not the release name); the check
# reads the release name the binary reports.
STATICCHECK_RELEASE=2026.2.2
STATICCHECK_MODULE=v0.8.2
GO=${GO:-go}
gobin=$($GO env GOBIN)
[ -n "$gobin" ] || gobin=$($GO env GOPATH)/bin
if ! "$gobin/staticcheck" -version 2>/dev/null | grep -q "^staticcheck $STATICCHECK_RELEASE "; then
  echo "deps: installing staticcheck $STATICCHECK_RELEASE ($STATICCHECK_MODULE) into $gobin" >&2
  GOFLAGS= $GO install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_MODULE"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
