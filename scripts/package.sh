#!/usr/bin/env bash
# Builds the Debian packages: voces-device (kiosk, syncd, kiosk session,
# units) and voces-server (central, unit), into dist/ (or $DIST).
#
#   scripts/package.sh              both packages
#   scripts/package.sh server       only voces-server (also: device)
#
# VERSION (default from git, see packaging/version.sh), DIST and MAINTAINER
# may be set in the environment. nfpm runs through `go run …@version`, so
# go.mod does not depend on it. A package whose commands are not written
# yet is reported and makes the script fail, after the others are built.
set -euo pipefail
cd "$(dirname "$0")/.."

NFPM="github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2"
GO=${GO:-go}
DIST=${DIST:-dist}
MAINTAINER=${MAINTAINER:-"Voces CDMX <voces-cdmx@users.noreply.github.com>"}
ARCH=$($GO env GOARCH)
# Reproducible packages: file times from the last commit, not from now.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
. packaging/version.sh
export DIST MAINTAINER ARCH SOURCE_DATE_EPOCH

# The commands each package ships, as "cmd/NAME:INSTALLED-NAME".
declare -A commands=(
	[device]="kiosk:voces-kiosk syncd:voces-syncd"
	[server]="central:voces-central"
)

packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(device server)
for p in "${packages[@]}"; do
	[ -n "${commands[$p]:-}" ] || { echo "package: unknown package '$p' (device or server)" >&2; exit 2; }
done

mkdir -p "$DIST"
failed=()
for p in "${packages[@]}"; do
	missing=()
	for c in ${commands[$p]}; do
		# A command directory with no Go code yet: go list prints nothing.
		[ "$($GO list -f '{{.Name}}' "./cmd/${c%%:*}" 2>/dev/null)" = main ] || missing+=("cmd/${c%%:*}")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "package: voces-$p NOT built: ${missing[*]} has no main package yet" >&2
		failed+=("voces-$p")
		continue
	fi
	for c in ${commands[$p]}; do
		echo "package: building ${c#*:} $VERSION" >&2
		CGO_ENABLED=1 $GO build -trimpath -ldflags "-s -w -X main.version=$VERSION" \
			-o "$DIST/${c#*:}" "./cmd/${c%%:*}"
	done
	rm -f "$DIST/voces-${p}_"*.deb
	$GO run "$NFPM" pkg --packager deb --config "packaging/nfpm/voces-$p.yaml" --target "$DIST/" >&2
	ls "$DIST/voces-${p}_${VERSION}_${ARCH}.deb"
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "package: FAILED: ${failed[*]} (see above)" >&2
	exit 1
fi
