#!/usr/bin/env bash
# A bounded schemathesis run against the OpenAPI document of a real `dui serve --demo`, on
# SQLite and (when DUI_TEST_POSTGRES_URL is set) on a fresh PostgreSQL database, with the
# token of an administrator and of a secretariat account: every generated request (NUL
# bytes, huge texts, wrong types…) must get an answer that is not a server error and whose
# status, content type and body conform to the document (the response schemas are generated
# from the types that the handlers serialize: docs/decisions/0024-openapi-generated.md).
# One worker: with two, hypothesis' ast.parse of its lambdas races in CPython 3.11
# ("AST constructor recursion depth mismatch"), a failure of the tool, not of the server.
#
# Usage: scripts/schemathesis.sh DUI_BIN [SECONDS_PER_RUN]
# Prints one line per run and ends with "N passed, M failed" (runs); exits non-zero if a
# run failed. Installs schemathesis in a virtual environment under ~/.cache when missing.
set -uo pipefail

BIN="${1:?usage: schemathesis.sh DUI_BIN [SECONDS]}"
SECONDS_PER_RUN="${2:-25}"
VENV="${DUI_SCHEMATHESIS_VENV:-$HOME/.cache/dui-schemathesis}"
ST_VERSION="4.32.5"
PASSWORD='Demo-DUI-2026!'

if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "schemathesis==$ST_VERSION" || {
    echo "ÉCHEC : installation de schemathesis impossible" >&2
    echo "0 passed, 1 failed"
    exit 1
  }
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dui-st.XXXXXX")"
SERVER_PID=""
PG_DB=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  if [ -n "$PG_DB" ]; then
    psql "$DUI_TEST_POSTGRES_URL" -qc "drop database if exists \"$PG_DB\" with (force)" >/dev/null 2>&1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts the demo server for an engine; sets BASE.
start() { # engine
  local engine=$1 port url=()
  port=$(free_port)
  BASE="http://127.0.0.1:$port"
  if [ "$engine" = postgres ]; then
    PG_DB="dui_test_st_$$"
    psql "$DUI_TEST_POSTGRES_URL" -qc "create database \"$PG_DB\"" >/dev/null
    url=(--database-url "${DUI_TEST_POSTGRES_URL%/*}/$PG_DB")
  fi
  "$BIN" serve --demo --bind "127.0.0.1:$port" --data-dir "$WORK/$engine" "${url[@]}" \
    >"$WORK/serve-$engine.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    curl -sf "$BASE/readyz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "ÉCHEC : le serveur ($engine) ne démarre pas" >&2
  tail -20 "$WORK/serve-$engine.log" >&2
  return 1
}

stop() {
  kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
  if [ -n "$PG_DB" ]; then
    psql "$DUI_TEST_POSTGRES_URL" -qc "drop database if exists \"$PG_DB\" with (force)" >/dev/null 2>&1
    PG_DB=""
  fi
}

token() { # username
  curl -sf -X POST -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/session" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

passed=0
failed=0
engines=(sqlite)
[ -n "${DUI_TEST_POSTGRES_URL:-}" ] && engines+=(postgres)
for engine in "${engines[@]}"; do
  if ! start "$engine"; then
    failed=$((failed + 1))
    stop
    continue
  fi
  for account in admin secretariat; do
    log="$WORK/st-$engine-$account.log"
    tok="$(token "$account")"
    # The session routes are left out: a generated logout would end the run's own session.
    # Run from the temporary directory: schemathesis keeps its cache in the working one.
    (cd "$WORK" && "$VENV/bin/st" run "$BASE/api/v1/openapi.json" \
      -H "Authorization: Bearer $tok" \
      --checks not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance \
      --phases coverage,fuzzing \
      --exclude-path-regex '/session' \
      --max-time "$SECONDS_PER_RUN" --max-examples 40 -w 1 \
      --seed 20261206 --no-color) >"$log" 2>&1
    status=$?
    cases=$(grep -E '^ *[0-9]+ generated' "$log" | tail -1 | sed 's/^ *//')
    if [ "$status" -eq 0 ]; then
      passed=$((passed + 1))
      echo "schemathesis $engine $account : ok (${cases:-?})"
    else
      failed=$((failed + 1))
      echo "schemathesis $engine $account : ÉCHEC (${cases:-?})"
      grep -v '^  - ' "$log" | tail -60
      echo "--- journal du serveur ---"
      grep -iE 'error|panic' "$WORK/serve-$engine.log" | tail -20
    fi
  done
  stop
done
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
