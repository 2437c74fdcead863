#!/usr/bin/env bash
# make run: the whole system on embedded defaults, under ./var/demo.
#   central (SQLite) on 127.0.0.1:8080 with the operator dashboard and an
#   operator login → a provisioning code → an enrolled demo device → syncd
#   → the kiosk window.
# Running it again reuses the data. Ctrl-C stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."

# Overridable for the smoke test, which runs this script on its own
# binaries, data directory and port.
BIN=${VOCES_BIN:-bin}
DEMO=${VOCES_DEMO_DIR:-var/demo}
ADDR=${VOCES_ADDR:-127.0.0.1:8080}
mkdir -p "$DEMO"
chmod 700 "$DEMO"

pids=()
cleanup() {
  trap - INT TERM EXIT
  # Last started, first stopped: the kiosk goes before its X server, syncd
  # before central.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  echo "run: stopped"
}
trap cleanup INT TERM EXIT

rm -f "$DEMO/central.addr"
"$BIN/central" serve --data "$DEMO/central" --addr "$ADDR" --addr-file "$DEMO/central.addr" \
  >>"$DEMO/central.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$DEMO/central.addr" ] && break; sleep 0.1; done
[ -s "$DEMO/central.addr" ] || { echo "run: central did not start; see $DEMO/central.log" >&2; exit 1; }
url="http://$(cat "$DEMO/central.addr")"
echo "run: central at $url (log: $DEMO/central.log)"

# An operator login for the dashboard, made once and kept with the data:
# an admin, so the demo can revoke devices and read the audit log (the
# ARCO desk needs a data officer: central operators add --role data-officer).
if [ ! -s "$DEMO/operator-password" ]; then
  (umask 077; head -c 12 /dev/urandom | base64 | tr -d '/+=' > "$DEMO/operator-password")
  printf '%s\n' "$(cat "$DEMO/operator-password")" | "$BIN/central" operators --data "$DEMO/central" add --role admin operador >/dev/null
fi
echo "run: dashboard at $url/ — sign in as: operador / $(cat "$DEMO/operator-password")"
# No role includes another (the operator guide's role table): the demo also
# has a moderator, who writes the draft and the Drafting Group's answers and
# runs the moderation desk, and a data officer, for the review desk and
# ARCO. Publishing is the admin's.
for acct in redactora:moderator datos:data-officer; do
  name=${acct%%:*} role=${acct#*:}
  if [ ! -s "$DEMO/$name-password" ]; then
    (umask 077; head -c 12 /dev/urandom | base64 | tr -d '/+=' > "$DEMO/$name-password")
    printf '%s\n' "$(cat "$DEMO/$name-password")" | "$BIN/central" operators --data "$DEMO/central" add --role "$role" "$name" >/dev/null
  fi
  echo "run:   and as $role: $name / $(cat "$DEMO/$name-password")"
done

# VOCES_SETUP=wizard leaves the device unenrolled, as a fresh device out of
# the box: the kiosk opens its setup wizard, and the technician types the
# code printed here (or loads it with "Load from USB": it is also written to
# $DEMO/provisioning-code.txt, a directory the wizard searches).
kiosk_args=()
if ! "$BIN/syncd" status --db "$DEMO/device.db" --json 2>/dev/null | grep -q '"device_id": *"dev-'; then
  if [ "${VOCES_SETUP:-}" = "wizard" ]; then
    code=$("$BIN/central" token --data "$DEMO/central" --ttl 2h)
    (umask 077; printf '%s\n' "$code" > "$DEMO/provisioning-code.txt")
    echo "run: device not enrolled: enroll it in the kiosk's setup wizard with this code:"
    echo "       $code"
  else
    # The code is used at once: its "valid once, until …" goes to the log.
    code=$("$BIN/central" token --data "$DEMO/central" --name "demo kiosk" --mode kiosk 2>>"$DEMO/central.log")
    # The kiosk collects only with a technician PIN; the demo's is in a
    # file, never on a command line.
    [ -s "$DEMO/technician-pin" ] || (umask 077; printf '%s\n' 246810 > "$DEMO/technician-pin")
    "$BIN/syncd" enroll --db "$DEMO/device.db" --code "$code" --name "demo kiosk" --mode kiosk --pin-file "$DEMO/technician-pin"
  fi
fi
if [ -s "$DEMO/technician-pin" ]; then
  echo "run: technician PIN (corner gesture): $(cat "$DEMO/technician-pin")"
fi
kiosk_args+=(--code-dir "$DEMO")
# A stand-in for a USB stick, so the technician's export can be tried.
mkdir -p "$DEMO/usb-export"
kiosk_args+=(--export-dir "$DEMO/usb-export")
echo "run: the technician's USB export also offers $DEMO/usb-export"
# Without a sound card, spoken guidance (F1 or * in the kiosk) goes to
# WAV files, to listen to afterwards.
if ! ls /dev/snd/pcmC*p >/dev/null 2>&1; then
  mkdir -p "$DEMO/speech"
  kiosk_args+=(--speech-dir "$DEMO/speech")
  echo "run: no sound card: spoken guidance goes to $DEMO/speech/*.wav"
fi

"$BIN/syncd" run --db "$DEMO/device.db" >>"$DEMO/syncd.log" 2>&1 &
pids+=($!)
echo "run: syncd running (log: $DEMO/syncd.log)"

if [ -z "${DISPLAY:-}" ]; then
  # Xvfb picks a free display itself (-displayfd) so a stale lock from an
  # earlier server cannot stop the demo.
  rm -f "$DEMO/xvfb.display"
  # Its own session: Ctrl-C reaches the kiosk, which closes its window
  # before the X server is stopped below.
  setsid Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$DEMO/xvfb.display" >"$DEMO/xvfb.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$DEMO/xvfb.display" ] && break; sleep 0.1; done
  n=$(tr -dc '0-9' <"$DEMO/xvfb.display" 2>/dev/null)
  if [ -z "$n" ]; then
    echo "run: no DISPLAY and Xvfb did not start (see $DEMO/xvfb.log)" >&2
    exit 1
  fi
  export DISPLAY=":$n"
  echo "run: no DISPLAY; started Xvfb on $DISPLAY (see the kiosk with: xwd -root -display $DISPLAY | convert xwd:- shot.png)"
fi
# Fyne reads the locale at start and complains about "C"; the kiosk picks
# its language itself, so any well-formed locale will do.
case "${LANG:-C}" in C|C.*|POSIX) export LANG=es_MX.UTF-8 ;; esac
# Fyne keeps its preferences under $XDG_CONFIG_HOME/fyne/<app id>. Every
# kiosk on the machine (tests, screenshots, other demos) shares the file
# there, and each one watching it read it while another was rewriting it:
# "Preferences load error: EOF". The demo's kiosk gets a file of its own.
mkdir -p "$DEMO/config"
fyne_config=$(cd "$DEMO/config" && pwd)
echo "run: kiosk window opening; Ctrl-C stops everything"
XDG_CONFIG_HOME="$fyne_config" "$BIN/kiosk" --db "$DEMO/device.db" "${kiosk_args[@]}" &
pids+=($!)
wait "${pids[-1]}"
