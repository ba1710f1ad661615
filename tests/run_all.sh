#!/usr/bin/env bash
# The whole suite, leg by leg: SQLite, PostgreSQL, browser (headless Chromium).
# A leg whose service is missing is skipped with a plain message, unless it is required
# (FAREDESK_REQUIRE_POSTGRES=1 / FAREDESK_REQUIRE_BROWSER=1, as CI sets), then it fails.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${FAREDESK_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/faredesk_test}"
CHROMIUM="${FAREDESK_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
failed=()
skipped=()

leg() { echo; echo "=== $1 ==="; }

postgres_up() {
  "$BIN/python" - "$PG_URL" <<'PY'
import asyncio, sys
from urllib.parse import urlparse
import asyncpg
u = urlparse(sys.argv[1])
async def main():
    c = await asyncpg.connect(host=u.hostname, port=u.port or 5432, user=u.username or "postgres",
                              password=u.password, database="postgres", timeout=3)
    await c.close()
try:
    asyncio.run(main())
except Exception as e:
    print(f"PostgreSQL not reachable at {u.hostname}:{u.port or 5432}: {e}", file=sys.stderr)
    sys.exit(1)
PY
}

leg "unit + integration on SQLite"
"$BIN/pytest" -q -m "not e2e" --ignore=tests/e2e -p no:cacheprovider || failed+=("sqlite")

leg "unit + integration on PostgreSQL"
if postgres_up; then
  FAREDESK_TEST_DATABASE_URL="$PG_URL" "$BIN/pytest" -q -m "not e2e" --ignore=tests/e2e -p no:cacheprovider || failed+=("postgres")
elif [ "${FAREDESK_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL leg REQUIRED but PostgreSQL is not reachable."; failed+=("postgres (unavailable)")
else
  echo "SKIPPED the PostgreSQL leg: no PostgreSQL at $PG_URL (set FAREDESK_TEST_DATABASE_URL)."; skipped+=("postgres")
fi

leg "browser (headless Chromium)"
if [ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ]; then
  e2e_db=()
  if postgres_up 2>/dev/null; then e2e_db=(env FAREDESK_E2E_DATABASE_URL="${PG_URL%/*}/faredesk_e2e"); fi
  "${e2e_db[@]}" env FAREDESK_CHROMIUM="$CHROMIUM" "$BIN/pytest" -q tests/e2e -p no:cacheprovider || failed+=("browser")
elif [ "${FAREDESK_REQUIRE_BROWSER:-0}" = "1" ]; then
  echo "Browser leg REQUIRED but Chromium is not installed."; failed+=("browser (unavailable)")
else
  echo "SKIPPED the browser leg: Chromium not found (apt-get install chromium)."; skipped+=("browser")
fi

echo
[ ${#skipped[@]} -gt 0 ] && echo "Skipped legs: ${skipped[*]}"
if [ ${#failed[@]} -gt 0 ]; then echo "FAILED legs: ${failed[*]}"; exit 1; fi
echo "All test legs passed."
