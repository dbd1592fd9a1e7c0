#!/bin/sh
# Entrypoint of the container image (Dockerfile, compose.yaml): secrets come as files.
# For each setting below, NAME_FILE=/run/secrets/... is read into NAME, so the key and the
# database passwords are never written into the image, the compose file or Prefect.
set -eu
for name in RECHTENLOKET_SECRET_KEY RECHTENLOKET_DATABASE_URL RECHTENLOKET_SMTP_PASSWORD \
            PREFECT_API_DATABASE_CONNECTION_URL; do
  file=$(printenv "${name}_FILE" || true)
  if [ -n "$file" ]; then
    value=$(cat "$file")
    export "$name=$value"
    unset "${name}_FILE"
  fi
done
# One audit anchor file per instance: %h in its path becomes this container's host name.
case "${RECHTENLOKET_AUDIT_ANCHOR_FILE:-}" in
  *%h*) RECHTENLOKET_AUDIT_ANCHOR_FILE=$(printf '%s' "$RECHTENLOKET_AUDIT_ANCHOR_FILE" | sed "s/%h/$(hostname)/g")
        export RECHTENLOKET_AUDIT_ANCHOR_FILE ;;
esac
exec "$@"
