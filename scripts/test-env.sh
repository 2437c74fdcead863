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

# X server. A display counts only if a client can open it and talk to it
# (xdpyinfo does the whole X handshake): a DISPLAY inherited from a
# session that is gone, or a lock file and socket left by an Xvfb that has
# died (whose pid may since belong to another process), must not pass for
# a running server.
x_serves() { # display, e.g. :99
  timeout 10 xdpyinfo -display "$1" >/dev/null 2>&1
}
if [ -n "${DISPLAY:-}" ] && ! x_serves "$DISPLAY"; then
  echo "test-env: no X server answers on DISPLAY=$DISPLAY; starting Xvfb" >&2
  DISPLAY=""
fi
if [ -z "${DISPLAY:-}" ]; then
  # Outside CI, the server this script started last time, if it still
  # answers. In CI always a server of this run's own, which nothing else
  # can stop under it; it prints VOCES_TEST_XVFB_PID for make test to stop
  # it afterwards. A new server takes a display number it picks itself
  # (-displayfd), which steps over stale lock files.
  state=/tmp/voces-test-xvfb.display
  if [ "${CI:-}" = "true" ]; then state=$(mktemp /tmp/voces-test-xvfb.XXXXXX); fi
  display=""
  if [ "${CI:-}" != "true" ] && [ -s "$state" ]; then
    n=$(tr -dc '0-9' <"$state")
    if [ -n "$n" ] && x_serves ":$n"; then display=$n; fi
  fi
  if [ -z "$display" ]; then
    if command -v Xvfb >/dev/null && command -v xdpyinfo >/dev/null; then
      log=/tmp/voces-xvfb.log
      rm -f "$state"
      # Its own session, so a Ctrl-C of make test does not reach it; a
      # background job is no group leader, so setsid keeps the pid.
      setsid Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$state" >"$log" 2>&1 </dev/null &
      pid=$!
      # -displayfd writes the number once the server accepts clients.
      for _ in $(seq 100); do [ -s "$state" ] && break; sleep 0.1; done
      n=$(tr -dc '0-9' <"$state" 2>/dev/null)
      if [ -n "$n" ] && x_serves ":$n"; then
        display=$n
        if [ "${CI:-}" = "true" ]; then
          echo "export VOCES_TEST_XVFB_PID=$pid"
          rm -f "$state"
        fi
      else
        kill "$pid" 2>/dev/null
        rm -f "$state"
        fail "Xvfb did not start (see $log)"
      fi
    else
      fail "Xvfb or xdpyinfo is not installed (scripts/deps.sh installs xvfb and x11-utils)"
    fi
  fi
  if [ -n "$display" ]; then
    echo "export DISPLAY=:$display"
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
