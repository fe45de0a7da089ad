#!/bin/sh
# docker-compose's Postgres runs this once on a new cluster (docker-entrypoint-initdb.d): the
# roles of postgres-init.sql, each with its password from the environment (.env, not committed).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$DATABASE_OWNER_PASSWORD" \
  -v api_password="$DATABASE_API_PASSWORD" \
  -v worker_password="$DATABASE_WORKER_PASSWORD" \
  -v webhooks_password="$DATABASE_WEBHOOKS_PASSWORD" \
  -v cdc_password="$DATABASE_CDC_PASSWORD" \
  -f /wallet/postgres-init.sql
