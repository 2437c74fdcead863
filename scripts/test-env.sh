#!/usr/bin/env bash
# Starts what the tests need that is not a Go package: an X server for the
# kiosk tests that run a real window, and a PostgreSQL for the second
# central store. Prints shell assignments for the caller to eval.
#
# In CI (CI=true) a missing service is an error: tests that need it must
# run there, not skip.
set -uo pipefail

fail() {
  echo "test-env: $*" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
}

# X server. A socket left by an Xvfb that has since died (a reboot of the
# container, a killed session) must not pass for a running server: the
# lock file names the server's pid, and a display counts only while that
# process is alive.
xvfb_alive() { # display number
  local lock="/tmp/.X$1-lock" pid state
  [ -e "$lock" ] && [ -e "/tmp/.X11-unix/X$1" ] || return 1
  pid=$(tr -dc '0-9' <"$lock")
  [ -n "$pid" ] || return 1
  # A killed server whose parent never reaped it still answers kill -0 as
  # a zombie: read its state instead.
  state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ]
}
if [ -z "${DISPLAY:-}" ]; then
  if command -v Xvfb >/dev/null; then
    display=""
    for n in $(seq 99 119); do
      if xvfb_alive "$n"; then display=$n; break; fi
      if [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; then
        # Stale: the server is gone. Clear its files if they are ours to clear.
        rm -f "/tmp/.X$n-lock" "/tmp/.X11-unix/X$n" 2>/dev/null
        if [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; then continue; fi
      fi
      (Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"/tmp/voces-xvfb-$n.log" 2>&1 &)
      for _ in $(seq 50); do xvfb_alive "$n" && break; sleep 0.1; done
      if xvfb_alive "$n"; then display=$n; fi
      break
    done
    if [ -n "$display" ]; then
      echo "export DISPLAY=:$display"
    else
      fail "Xvfb did not start (see /tmp/voces-xvfb-*.log)"
    fi
  else
    fail "Xvfb is not installed"
  fi
fi

# PostgreSQL: a throwaway database owned by a role for the tests.
if [ -z "${VOCES_TEST_POSTGRES:-}" ]; then
  if command -v pg_ctlcluster >/dev/null && [ "$(id -u)" -eq 0 ]; then
    ver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
    if [ -n "$ver" ]; then
      pg_ctlcluster "$ver" main start >/dev/null 2>&1 || true
      for _ in $(seq 50); do su postgres -c "pg_isready -q" && break; sleep 0.2; done
      db="voces_test"
      su postgres -c "psql -q -c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='voces') THEN CREATE ROLE voces LOGIN PASSWORD 'voces' CREATEDB; END IF; END\\\$\\\$;\"" >/dev/null 2>&1 \
        && su postgres -c "dropdb --if-exists $db && createdb -O voces $db" >/dev/null 2>&1 \
        && echo "export VOCES_TEST_POSTGRES='postgres://voces:voces@127.0.0.1:5432/$db?sslmode=disable'" \
        || fail "could not create a PostgreSQL test database"
    else
      fail "PostgreSQL has no cluster"
    fi
  else
    fail "PostgreSQL is not available (pg_ctlcluster missing, or not root)"
  fi
fi
exit 0
