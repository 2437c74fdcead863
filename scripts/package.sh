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
#
# Besides the programs, each package gets what Debian asks of it, made here
# from the same sources so that none of it drifts: the copyright file from
# the Go module graph (packaging/debcopyright), the changelog from the git
# history, and a manual page per program from its own --help (help2man).
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
# The NAME line of each manual page; the rest of the page is the --help.
declare -A summaries=(
	[voces-kiosk]="touchscreen kiosk that collects citizen input into the device outbox"
	[voces-syncd]="sync daemon that uploads a Voces device's outbox to central"
	[voces-central]="Voces central collection server and its administration commands"
)

# The subcommands of a program: the first word of an indented line of its
# help (after the program's own name, as in "central serve …") for which
# "PROGRAM WORD --help" succeeds.
subcommands() {
	local bin=$1 self=$2 w
	help_of "$bin" | awk -v self="$self" '/^[ \t]+[^ \t]/ {
		n = split($0, f, /[ \t]+/); w = f[2]
		if (w == self) w = f[3]
		if (w ~ /^[a-z][a-z-]*$/ && !seen[w]++) print w
	}' | while read -r w; do
		help_of "$bin" "$w" >/dev/null && echo "$w"
	done
}

# The environment the programs' help is read in: no display, and English
# in LANGUAGE, which Fyne reads before LANG (it cannot parse "C") while
# help2man's perl needs a locale that is installed.
help_env=(env -i PATH="$PATH" HOME="$DIST/doc" LANG=C.UTF-8 LANGUAGE=en_US)

# Runs PROGRAM [ARGS] --help as help2man does.
help_of() {
	local bin=$1
	shift
	"${help_env[@]}" "$bin" "$@" --help 2>&1
}

# Writes DIST/doc/NAME.1.gz from the program's --help and, for each
# subcommand, its own --help verbatim.
man_page() {
	local bin=$1 self=$2 name=$3 include w
	include="$DIST/doc/$name.h2m"
	: >"$include"
	for w in $(subcommands "$bin" "$self"); do
		{
			[ -s "$include" ] || echo "[COMMANDS]"
			printf '.SS "%s %s"\n.nf\n' "$name" "$w"
			# roff: a backslash is \e, a line may not start with . or '.
			help_of "$bin" "$w" | sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
			printf '.fi\n'
		} >>"$include"
	done
	local opts=()
	[ ! -s "$include" ] || opts+=(--include="$include")
	"${help_env[@]}" SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" \
		help2man --no-info --no-discard-stderr --section=1 --locale=C.UTF-8 \
		--version-string="$VERSION" --name="${summaries[$name]}" \
		"${opts[@]}" --output="$DIST/doc/$name.1" "$bin"
	gzip -9nf "$DIST/doc/$name.1"
	rm -f "$include"
}

# Writes DIST/doc/PACKAGE.changelog.gz: one entry for this version with
# the commits since the previous release tag (all of them before the
# first tag), dated by the last commit like the package's files.
changelog() {
	local pkg=$1 since range=HEAD
	since=$(git describe --tags --abbrev=0 --match 'v[0-9]*' HEAD^ 2>/dev/null) && range="$since..HEAD"
	{
		printf '%s (%s) unstable; urgency=medium\n\n' "$pkg" "$VERSION"
		git log --no-merges --format='%s' "$range" | while IFS= read -r subject; do
			printf '%s\n' "$subject" | fold -s -w 74 | sed -e 's/ *$//' -e '1s/^/  * /' -e '2,$s/^/    /'
		done
		printf '\n -- %s  %s\n' "$MAINTAINER" "$(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")"
	} | gzip -9n >"$DIST/doc/$pkg.changelog.gz"
}

packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(device server)
for p in "${packages[@]}"; do
	[ -n "${commands[$p]:-}" ] || { echo "package: unknown package '$p' (device or server)" >&2; exit 2; }
done

mkdir -p "$DIST/doc"
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
		# Debian's hardening: position-independent (ASLR for the program
		# itself) and full RELRO (the GOT read-only after start-up), which
		# Go gives only through the system linker; the C code some
		# packages link (GLFW in the kiosk) gets the stack protector and
		# fortified libc calls. lintian checks all three.
		CGO_ENABLED=1 CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -fstack-protector-strong -D_FORTIFY_SOURCE=2" \
			$GO build -trimpath -buildmode=pie \
			-ldflags "-s -w -X main.version=$VERSION -linkmode=external -extldflags '-Wl,-z,relro,-z,now'" \
			-o "$DIST/${c#*:}" "./cmd/${c%%:*}"
	done
	targets=()
	for c in ${commands[$p]}; do
		man_page "$DIST/${c#*:}" "${c%%:*}" "${c#*:}"
		targets+=("./cmd/${c%%:*}")
	done
	$GO run ./packaging/debcopyright -holder "${MAINTAINER% <*}" -source https://github.com/voces-cdmx/voces \
		-o "$DIST/doc/voces-$p.copyright" "${targets[@]}"
	changelog "voces-$p"
	rm -f "$DIST/voces-${p}_"*.deb
	$GO run "$NFPM" pkg --packager deb --config "packaging/nfpm/voces-$p.yaml" --target "$DIST/" >&2
	ls "$DIST/voces-${p}_${VERSION}_${ARCH}.deb"
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "package: FAILED: ${failed[*]} (see above)" >&2
	exit 1
fi
