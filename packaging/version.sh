# Sourced by scripts/package.sh and scripts/windows.sh: sets VERSION, the
# version stamped into the binaries (-X main.version) and the packages,
# unless the caller set it.
#
# From `git describe --tags`: tag v1.2.0 gives 1.2.0; five commits later
# 1.2.0+5.g1a2b3c4 (sorts after 1.2.0, as those commits come after it); a
# pre-release tag v1.3.0-rc1 gives 1.3.0~rc1 (sorts before 1.3.0). With no
# tag yet, 0.0.0+N.gHASH with N the commit count, so a newer build still
# upgrades an older one. Debian versions must start with a digit, hence
# not the bare hash `git describe --always` would give.
voces_version() {
	d=$(git describe --tags --match 'v[0-9]*' 2>/dev/null) && {
		base=${d%-*-g*}
		if [ "$base" != "$d" ]; then
			rest=${d#"$base"-}
			suffix="+${rest%-g*}.g${rest#*-g}"
		else
			suffix=""
		fi
		base=${base#v}
		printf '%s%s\n' "$(printf '%s' "$base" | tr '-' '~')" "$suffix"
		return
	}
	h=$(git rev-parse --short HEAD 2>/dev/null) && {
		printf '0.0.0+%s.g%s\n' "$(git rev-list --count HEAD)" "$h"
		return
	}
	echo 0.0.0
}

VERSION=${VERSION:-$(voces_version)}
export VERSION
