#!/usr/bin/env bash
# Cross-compiles the kiosk for Windows (amd64) with mingw-w64 into
# dist/voces-kiosk.exe (or $DIST). Fyne needs cgo, hence the C
# cross-compiler (Debian package gcc-mingw-w64-x86-64). A cold build
# compiles Fyne's GL and GLFW C code for Windows and takes several minutes;
# later builds come from the Go build cache.
#
# -H=windowsgui makes a GUI-subsystem program: no console window opens
# behind the kiosk. VERSION (default from git, see packaging/version.sh)
# and DIST may be set in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
DIST=${DIST:-dist}
CC_WINDOWS=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
. packaging/version.sh

command -v "$CC_WINDOWS" >/dev/null || {
	echo "windows: $CC_WINDOWS not found; install the Debian package gcc-mingw-w64-x86-64" >&2
	exit 1
}
[ "$($GO list -f '{{.Name}}' ./cmd/kiosk 2>/dev/null)" = main ] || {
	echo "windows: cmd/kiosk has no main package yet; nothing to build" >&2
	exit 1
}

mkdir -p "$DIST"
echo "windows: building voces-kiosk.exe $VERSION" >&2
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$CC_WINDOWS" \
	$GO build -trimpath -ldflags "-H=windowsgui -s -w -X main.version=$VERSION" \
	-o "$DIST/voces-kiosk.exe" ./cmd/kiosk
echo "$DIST/voces-kiosk.exe"
