#!/usr/bin/env bash
# The whole suite, leg by leg: SQLite, PostgreSQL, browser (headless Chromium).
# A leg whose service is missing is skipped with a plain message, unless it is required
# (FAREDESK_REQUIRE_POSTGRES=1 / FAREDESK_REQUIRE_BROWSER=1, as CI sets), then it fails.
# A leg that collects no tests (pytest exit code 5) fails too: it would otherwise prove nothing.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${FAREDESK_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/faredesk_test}"
E2E_PG_URL="${FAREDESK_E2E_DATABASE_URL:-${PG_URL%/*}/${PG_URL##*/}_e2e}"
CHROMIUM="${FAREDESK_CHROMIUM:-}"
if [ -z "$CHROMIUM" ]; then
  for candidate in /usr/bin/chromium "$(command -v chromium || true)" "$(command -v chromium-browser || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then CHROMIUM="$candidate"; break; fi
  done
fi
PYTEST_ARGS=(-q -p no:cacheprovider)
# The unit and integration legs run on both cores (pytest-xdist; one database per worker).
PARALLEL_ARGS=(-n "${FAREDESK_TEST_WORKERS:-2}")
passed=()
failed=()
skipped=()

leg() { echo; echo "=== $1 ==="; }

# run_leg NAME COMMAND...: runs one pytest leg and records how it ended.
run_leg() {
  local name="$1"; shift
  "$@"
  local rc=$?
  case $rc in
    0) passed+=("$name") ;;
    5) echo "Leg '$name' FAILED: pytest collected no tests."; failed+=("$name (no tests)") ;;
    *) echo "Leg '$name' FAILED (pytest exit code $rc)."; failed+=("$name") ;;
  esac
}

postgres_up() {
  "$BIN/python" - "$PG_URL" <<'PY'
import asyncio, sys
from urllib.parse import unquote, urlparse
import asyncpg
u = urlparse(sys.argv[1])
async def main():
    c = await asyncpg.connect(host=u.hostname or "127.0.0.1", port=u.port or 5432,
                              user=unquote(u.username or "postgres"),
                              password=unquote(u.password) if u.password else None,
                              database="postgres", timeout=3)
    await c.close()
try:
    asyncio.run(main())
except Exception as e:
    print(f"PostgreSQL not reachable at {u.hostname}:{u.port or 5432}: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
PY
}

if [ ! -x "$BIN/pytest" ]; then
  echo "No $BIN/pytest: run 'make test' (it creates the virtual environment first)."
  exit 1
fi

leg "unit + integration on SQLite"
run_leg "sqlite" env -u FAREDESK_TEST_DATABASE_URL \
  "$BIN/pytest" "${PYTEST_ARGS[@]}" "${PARALLEL_ARGS[@]}" -m "not e2e" --ignore=tests/e2e

leg "unit + integration on PostgreSQL"
pg_available=0
if postgres_up; then
  pg_available=1
  run_leg "postgres" env FAREDESK_TEST_DATABASE_URL="$PG_URL" \
    "$BIN/pytest" "${PYTEST_ARGS[@]}" "${PARALLEL_ARGS[@]}" -m "not e2e" --ignore=tests/e2e
elif [ "${FAREDESK_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL leg REQUIRED but PostgreSQL is not reachable at $PG_URL."
  failed+=("postgres (unavailable)")
else
  echo "SKIPPED the PostgreSQL leg: no PostgreSQL at $PG_URL (set FAREDESK_TEST_DATABASE_URL)."
  skipped+=("postgres")
fi

leg "browser (headless Chromium)"
if [ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ]; then
  e2e_env=(FAREDESK_CHROMIUM="$CHROMIUM")
  if [ "$pg_available" = "1" ]; then
    echo "Live server database: $E2E_PG_URL"
    e2e_env+=(FAREDESK_E2E_DATABASE_URL="$E2E_PG_URL")
  else
    echo "Live server database: a temporary SQLite file"
  fi
  run_leg "browser" env -u FAREDESK_TEST_DATABASE_URL "${e2e_env[@]}" \
    "$BIN/pytest" "${PYTEST_ARGS[@]}" tests/e2e
elif [ "${FAREDESK_REQUIRE_BROWSER:-0}" = "1" ]; then
  echo "Browser leg REQUIRED but Chromium is not installed (apt-get install chromium)."
  failed+=("browser (unavailable)")
else
  echo "SKIPPED the browser leg: Chromium not found (apt-get install chromium, or set FAREDESK_CHROMIUM)."
  skipped+=("browser")
fi

echo
echo "=== summary ==="
[ ${#passed[@]} -gt 0 ] && echo "Passed legs: ${passed[*]}"
[ ${#skipped[@]} -gt 0 ] && echo "SKIPPED legs: ${skipped[*]}"
if [ ${#failed[@]} -gt 0 ]; then echo "FAILED legs: ${failed[*]}"; exit 1; fi
echo "All test legs that could run passed."
