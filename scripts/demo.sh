#!/usr/bin/env bash
# `make run`: a local Prefect server with its UI, the database, and every example scenario
# played through the real flows. Letters and messages land in var/demo/<scenario>/outbox/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PREFECT_PORT:-4200}
export PREFECT_HOME="$PWD/var/prefect"
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_LOGGING_LEVEL=${PREFECT_LOGGING_LEVEL:-WARNING}
# The region files still mark contact details "unverified": the demo may send such letters,
# and each one carries the marking "VOORBEELD – niet verzenden" (models/settings.py).
export RECHTENLOKET_DEMO=1
mkdir -p var/demo "$PREFECT_HOME"

"$BIN/rechtenloket" init

echo "Prefect-server starten op http://127.0.0.1:$PORT ..."
"$BIN/prefect" server start --host 127.0.0.1 --port "$PORT" >var/prefect/server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
export PREFECT_API_URL="http://127.0.0.1:$PORT/api"
for _ in $(seq 1 120); do
  if "$BIN/python" -c "import httpx,sys; sys.exit(httpx.get('$PREFECT_API_URL/health').status_code != 200)" 2>/dev/null; then
    break
  fi
  kill -0 "$server" 2>/dev/null || { echo "Prefect-server startte niet; zie var/prefect/server.log" >&2; exit 1; }
  sleep 1
done

for file in examples/*.json; do
  name=$(basename "$file" .json)
  rm -rf "var/demo/$name"
  "$BIN/rechtenloket" scenario run "$file" --data-dir "var/demo/$name"
done

echo
echo "Brieven en berichten: var/demo/<scenario>/outbox/<verzoek-id>/ (.html om te lezen, .eml zoals verstuurd)."
echo "Prefect-UI met alle flow runs: http://127.0.0.1:$PORT"
if [ -t 0 ]; then
  echo "Stoppen: Ctrl-C."
  wait "$server"
fi
