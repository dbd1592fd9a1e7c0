#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster (Debian's packages), then remove it.
# Usage: scripts/with-postgres.sh COMMAND...   (the command sees RECHTENLOKET_TEST_DATABASE_URL)
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)." >&2
  exit 3
fi

dir=$(mktemp -d /tmp/rechtenloket-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" = "0" ]; then  # PostgreSQL refuses to run as root
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi

"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U rechtenloket --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U rechtenloket rechtenloket_test

export RECHTENLOKET_TEST_DATABASE_URL="postgresql+psycopg://rechtenloket@127.0.0.1:$port/rechtenloket_test"
"$@"
