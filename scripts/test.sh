#!/usr/bin/env bash
# Runs every test of DUI: unit, store (SQLite, and PostgreSQL when DUI_TEST_POSTGRES_URL is
# set), HTTP, a bounded schemathesis run against the OpenAPI document, then the browser
# journeys (headless Debian chromium, axe-core).
# Ends with one line "N passed, M failed" (cargo and node tests added up); exits non-zero
# if any step failed.
#
# Environment: DUI_TEST_POSTGRES_URL (store tests on PostgreSQL), CARGO_TARGET_DIR,
# CHROMIUM (default /usr/bin/chromium), DUI_BIN (default: the binary this script builds).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BROWSER_DIR="$ROOT/tests/browser"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMIUM

LOGS="$(mktemp -d "${TMPDIR:-/tmp}/dui-test.XXXXXX")"
trap 'rm -rf "$LOGS"' EXIT

passed=0
failed=0
failed_steps=()

step() { printf '\n==> %s\n' "$*"; }

# Sums cargo's "test result: ok. X passed; Y failed; …" lines of a log: prints "X Y".
count_cargo() {
  awk '/^test result: / { for (i = 2; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
       END { print p + 0, f + 0 }' "$1"
}

# Sums node's closing "# pass X" / "# fail Y" lines of a TAP log: prints "X Y" (tests
# cancelled, e.g. by a failing `before` hook, count as failed).
count_node() {
  awk '/^# pass [0-9]+$/ { p += $3 } /^# (fail|cancelled) [0-9]+$/ { f += $3 } END { print p + 0, f + 0 }' "$1"
}

# Records a step's result: its tests, and one failure more if the step failed without a
# failing test (compilation error, crash…), so that the summary never hides a failure.
record() { # name status passed failed
  local name=$1 status=$2 p=$3 f=$4
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$status" -ne 0 ]; then
    failed_steps+=("$name")
    if [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
  fi
}

# ---------------------------------------------------------------- cargo tests
if [ -n "${DUI_TEST_POSTGRES_URL:-}" ]; then
  step "cargo test --workspace (SQLite and PostgreSQL: DUI_TEST_POSTGRES_URL is set)"
else
  step "cargo test --workspace (SQLite only: set DUI_TEST_POSTGRES_URL for PostgreSQL)"
fi
status=0
cargo test --workspace --no-fail-fast 2>&1 | tee "$LOGS/cargo-test.log" || status=$?
read -r p f < <(count_cargo "$LOGS/cargo-test.log")
record "cargo test" "$status" "$p" "$f"

# ---------------------------------------------------------------- binary
step "cargo build -p dui"
build_status=0
cargo build -p dui 2>&1 | tee "$LOGS/cargo-build.log" || build_status=$?
if [ -z "${DUI_BIN:-}" ]; then
  target_dir="${CARGO_TARGET_DIR:-}"
  if [ -z "$target_dir" ]; then
    target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
      | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))' || true)
  fi
  DUI_BIN="${target_dir:-$ROOT/target}/debug/dui"
fi
export DUI_BIN

# ---------------------------------------------------------------- schemathesis
# Bounded fuzzing of the API against its OpenAPI document, on each engine (no server error).
if [ "$build_status" -eq 0 ]; then
  step "schemathesis (API fuzzing against the OpenAPI document)"
  st_status=0
  bash scripts/schemathesis.sh "$DUI_BIN" 25 2>&1 | tee "$LOGS/schemathesis.log" || st_status=$?
  read -r sp sf < <(awk '/^[0-9]+ passed, [0-9]+ failed$/ { p = $1; f = $3 } END { print p + 0, f + 0 }' "$LOGS/schemathesis.log")
  record "schemathesis" "$st_status" "$sp" "$sf"
fi

# ---------------------------------------------------------------- browser tests
browser_status=0
bp=0
bf=0
if [ "$build_status" -ne 0 ]; then
  echo "ÉCHEC : cargo build -p dui a échoué ; tests navigateur non lancés." >&2
  record "cargo build" "$build_status" 0 0
elif [ ! -x "$CHROMIUM" ]; then
  echo "ÉCHEC : Chromium introuvable ($CHROMIUM). Installez-le : apt-get install chromium" >&2
  record "chromium" 1 0 0
elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "ÉCHEC : Node.js et npm sont nécessaires aux tests navigateur (apt-get install nodejs npm)." >&2
  record "node" 1 0 0
else
  step "tests navigateur (chromium $("$CHROMIUM" --version 2>/dev/null | awk '{print $2}'), DUI_BIN=$DUI_BIN)"
  cd "$BROWSER_DIR"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund 2>&1 | tee "$LOGS/npm.log" || browser_status=$?
  fi
  if [ "$browser_status" -eq 0 ]; then
    mapfile -t files < <(find . -name node_modules -prune -o -name '*.test.mjs' -print | sort)
    if [ "${#files[@]}" -eq 0 ]; then
      echo "ÉCHEC : aucun test navigateur trouvé sous tests/browser" >&2
      browser_status=1
    else
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node --test --test-reporter=tap --test-concurrency=1 \
        --test-timeout=600000 "${files[@]}" 2>&1 | tee "$LOGS/node.log" || browser_status=$?
      read -r bp bf < <(count_node "$LOGS/node.log")
    fi
  fi
  cd "$ROOT"
  record "tests navigateur" "$browser_status" "$bp" "$bf"
fi

echo
if [ "${#failed_steps[@]}" -gt 0 ]; then
  echo "Étapes en échec : ${failed_steps[*]}"
fi
echo "${passed} passed, ${failed} failed"
[ "${#failed_steps[@]}" -eq 0 ]
