#!/usr/bin/env bash
# Installs the npm tools the dashboard's tests run, pinned, into
# VOCES_NPM_DIR (default /var/cache/voces/npm), outside the repository so
# no node_modules is ever committed: axe-core (the accessibility check
# injected into Chromium) and html-validate (the markup check). Safe to run
# again: it installs nothing when the pinned versions are there.
set -euo pipefail

dir="${VOCES_NPM_DIR:-/var/cache/voces/npm}"
tools=(axe-core@4.14.1 html-validate@10.17.0)

have() { # name@version
  local name="${1%@*}" version="${1##*@}"
  grep -q "\"version\": \"$version\"" "$dir/node_modules/$name/package.json" 2>/dev/null
}
missing=()
for t in "${tools[@]}"; do
  have "$t" || missing+=("$t")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "deps: npm is missing; cannot install ${missing[*]} (the dashboard's accessibility tests need them)" >&2
  exit 1
fi
echo "deps: installing ${missing[*]} into $dir" >&2
mkdir -p "$dir"
# --no-package-lock: the lock would only record download addresses.
npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --silent "${tools[@]}" >&2
