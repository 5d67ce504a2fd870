#!/usr/bin/env bash
# Peak memory of the server under a login storm: starts `dui serve --demo` on a fresh data
# directory, sends N simultaneous logins (one client address each, on 127.0.0.0/8, so that
# no per-address throttle steps in), and prints the answers' statuses and the process's
# high-water mark (VmHWM of /proc/PID/status) before and after.
#
# Usage: scripts/login-storm.sh [DUI_BIN] [N]   (default: target/release/dui, 40)
# Needs Linux, curl and xargs. Figures of issue 14: see docs/decisions/0002.
set -euo pipefail

BIN="${1:-target/release/dui}"
N="${2:-40}"
PASSWORD='Demo-DUI-2026!'
ACCOUNTS=(direction secretariat cadre educateur aide-soignant infirmier medecin psychologue intervenant admin)

DIR="$(mktemp -d "${TMPDIR:-/tmp}/dui-storm.XXXXXX")"
PORT="$((20000 + RANDOM % 20000))"
"$BIN" --data-dir "$DIR" serve --demo --bind "127.0.0.1:$PORT" >"$DIR/serve.log" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT

for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
hwm() { awk '/^VmHWM/ { print $2 / 1024 " MiB" }' "/proc/$PID/status"; }
echo "ready: VmHWM $(hwm), VmRSS $(awk '/^VmRSS/ { print $2 / 1024 " MiB" }' "/proc/$PID/status")"

login() {
  local k="$1" user="$2"
  curl -s -o /dev/null -w '%{http_code}\n' --interface "127.0.0.$((k % 250 + 2))" \
    -H 'content-type: application/json' \
    -d "{\"username\": \"$user\", \"password\": \"$PASSWORD\"}" \
    "http://127.0.0.1:$PORT/api/v1/session"
}
export -f login
export PORT PASSWORD

start="$(date +%s.%N)"
for k in $(seq 1 "$N"); do
  echo "$k ${ACCOUNTS[$((k % ${#ACCOUNTS[@]}))]}"
done | xargs -P "$N" -L 1 bash -c 'login "$0" "$1"' | sort | uniq -c | sed 's/^/status: /'
end="$(date +%s.%N)"
echo "$N simultaneous logins in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s: VmHWM $(hwm)"
