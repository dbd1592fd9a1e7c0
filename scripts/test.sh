#!/usr/bin/env bash
# The whole test suite, twice: on SQLite, then on a throwaway PostgreSQL.
# Called by `make test` (which builds .venv first). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTEST=(.venv/bin/python -m pytest)

echo "== tests on SQLite"
"${PYTEST[@]}" "$@"

echo "== tests on PostgreSQL"
set +e
scripts/with-postgres.sh "${PYTEST[@]}" "$@"
status=$?
set -e
if [ "$status" = 3 ] && [ "${CI:-}" != "true" ]; then
  echo "PostgreSQL run NOT done: install Debian's postgresql package to run it (CI always does)." >&2
  exit 0
fi
exit "$status"
