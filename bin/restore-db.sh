#!/usr/bin/env bash
# Restore a dump of bin/backup-db.sh into a database, all or nothing.
#
#   bin/restore-db.sh [--force] [--database URL] DUMP_FILE
#
# The target: --database URL, else DATABASE_URL (environment, else .env beside manage.py). Create
# it first, empty (createdb -O mentoring mentoring_restored). It refuses a database that already
# holds tables, unless --force: then the dump's objects replace the ones of the same name. Owners
# and grants of the old server are not restored (--no-owner --no-privileges): everything belongs
# to the user of the URL, the portal's own. Runs in one transaction (a failure leaves the target
# as it was) and ANALYZEs afterwards, as pg_restore brings no planner statistics.
set -euo pipefail
# shellcheck source=bin/_database-url.sh
source "$(dirname "${BASH_SOURCE[0]}")/_database-url.sh"

usage() { echo "usage: $0 [--force] [--database URL] DUMP_FILE" >&2; exit 2; }

force=0
url_arg=""
dump=""
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1; shift ;;
    --database) [ $# -ge 2 ] || usage; url_arg="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$dump" ] || usage; dump="$1"; shift ;;
  esac
done
[ -n "$dump" ] || usage
if [ ! -r "$dump" ]; then
  echo "cannot read $dump" >&2
  exit 2
fi

url="$(database_url_from "$url_arg")"
if [ -z "$url" ]; then
  echo "no database: pass --database URL or set DATABASE_URL" >&2
  exit 2
fi
export_libpq_env "$url" || exit 2

# Tables, views, sequences outside PostgreSQL's own schemas: a database in use.
relations="$(psql --no-psqlrc --no-password --quiet --tuples-only --no-align --command \
  "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
     AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')")"
options=(--no-owner --no-privileges --exit-on-error --single-transaction --no-password)
if [ "$relations" != "0" ]; then
  if [ "$force" != 1 ]; then
    echo "refusing to restore: database $PGDATABASE is not empty ($relations tables, views or" \
      "sequences). Restore into a new, empty database, or pass --force to replace its objects." >&2
    exit 3
  fi
  # Replaces what the dump holds; objects that are not in the dump stay.
  options+=(--clean --if-exists)
fi

pg_restore "${options[@]}" --dbname="$PGDATABASE" "$dump"
psql --no-psqlrc --no-password --quiet --command "ANALYZE"
echo "restored $dump into $PGDATABASE"
