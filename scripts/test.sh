#!/usr/bin/env bash
# The whole test suite on both databases: SQLite and a throwaway PostgreSQL, side by side
# (their data, keys and Prefect homes are separate per pass: tests/conftest.py), so a CI run
# takes the longer of the two rather than their sum. Each pass's output goes to its log and
# is printed in full when both have ended; the exit code is the worse of the two.
# Called by `make test` (which builds .venv first). Extra arguments go to pytest.
# RECHTENLOKET_TEST_SERIAL=1 runs the passes one after the other.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider --durations=25)
logs=$(mktemp -d /tmp/rechtenloket-test.XXXXXX)

if [ "${RECHTENLOKET_TEST_SERIAL:-}" = "1" ]; then
  "${PYTEST[@]}" "$@" >"$logs/sqlite.log" 2>&1; sqlite=$?
  scripts/with-postgres.sh "${PYTEST[@]}" "$@" >"$logs/postgres.log" 2>&1; postgres=$?
else
  scripts/with-postgres.sh "${PYTEST[@]}" "$@" >"$logs/postgres.log" 2>&1 &
  pg_pid=$!
  "${PYTEST[@]}" "$@" >"$logs/sqlite.log" 2>&1; sqlite=$?
  wait "$pg_pid"; postgres=$?
fi

echo "== tests on SQLite"; cat "$logs/sqlite.log"
echo "== tests on PostgreSQL"; cat "$logs/postgres.log"
rm -rf "$logs"

if [ "$postgres" = 3 ] && [ "${CI:-}" != "true" ]; then
  echo "PostgreSQL run NOT done: install Debian's postgresql package to run it (CI always does)." >&2
  postgres=0
fi
echo "== SQLite: exit $sqlite; PostgreSQL: exit $postgres"
[ "$sqlite" = 0 ] && [ "$postgres" = 0 ]
