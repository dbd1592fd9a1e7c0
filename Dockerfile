# One image for every Rechtenloket process: the Prefect server, the workers, the web app and
# the one-shot init (compose.yaml, docs/deployment.md). No setting and no secret in it.
FROM python:3.11-slim

# Pango and fonts for the PDF letters (WeasyPrint), as .ci/run installs them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# The code lives in /app and is installed editable, as `make install` does: config/ and
# templates/ are read from the project folder, and prefect.yaml's pull step goes there.
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -e '.[postgres]' \
 && useradd --uid 10001 --create-home rechtenloket \
 && mkdir -p /var/lib/rechtenloket && chown rechtenloket /var/lib/rechtenloket && chmod 0700 /var/lib/rechtenloket

USER rechtenloket
ENV RECHTENLOKET_DATA_DIR=/var/lib/rechtenloket \
    PREFECT_HOME=/var/lib/rechtenloket/prefect \
    PREFECT_SERVER_ANALYTICS_ENABLED=false
ENTRYPOINT ["/app/scripts/container-entrypoint.sh"]
CMD ["rechtenloket", "--help"]
