#!/bin/sh
# One-shot (temporalio/admin-tools): creates Temporal's two PostgreSQL databases when missing and
# brings their schemas to the version this admin-tools image ships. Safe on every `docker compose up`:
# setup-schema keeps a newer version, update-schema applies only versions not yet applied (which is
# also how an image upgrade migrates the schema). The commands follow Temporal's official compose
# setup (temporalio/samples-server, compose/scripts/setup-postgres.sh).
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
schema=/etc/temporal/schema/postgresql/v12

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "${DB_PORT:-5432}" "$@"
}

for database in temporal:temporal temporal_visibility:visibility; do
  name=${database%%:*}
  if output=$(sql --db "$name" create 2>&1); then
    echo "created database $name"
  else
    case "$output" in
      *"already exists"*) echo "database $name exists" ;;
      *) echo "$output" >&2; exit 1 ;;
    esac
  fi
  sql --db "$name" setup-schema -v 0.0
  sql --db "$name" update-schema -d "$schema/${database#*:}/versioned"
done
echo "Temporal schema is up to date"
