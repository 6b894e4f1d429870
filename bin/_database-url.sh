# Sourced by backup-db.sh and restore-db.sh: turns a database URL into libpq's environment
# variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE), so the password never
# stands on a command line, where `ps` would show it to every user of the machine (a process's
# environment is readable by its owner only), and is never printed.

# The URL from --database, else DATABASE_URL from the environment, else from .env beside manage.py.
database_url_from() {
  local given="$1" root
  if [ -n "$given" ]; then
    printf '%s' "$given"
  elif [ -n "${DATABASE_URL:-}" ]; then
    printf '%s' "$DATABASE_URL"
  else
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    if [ -f "$root/.env" ]; then
      sed -n 's/^DATABASE_URL=//p' "$root/.env" | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
    fi
  fi
}

# export_libpq_env URL: exports the PG* variables, or fails with a message without the URL.
export_libpq_env() {
  local assignments
  # The URL goes to Python through the environment, not argv, for the same reason.
  if ! assignments="$(MENTORING_DB_URL="$1" python3 - <<'PYTHON'
import os
import shlex
import sys
from urllib.parse import parse_qsl, unquote

url = os.environ["MENTORING_DB_URL"]
scheme, sep, rest = url.partition("://")
if not sep or scheme not in ("postgres", "postgresql", "pgsql"):
    sys.exit("not a PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/NAME)")
rest, _, query = rest.partition("?")
netloc, _, path = rest.partition("/")
userinfo, _, hostport = netloc.rpartition("@")
user, _, password = userinfo.partition(":")
# A host may be a socket directory, percent-encoded: postgres://%2Fvar%2Frun%2Fpostgresql/NAME
if hostport.startswith("["):  # IPv6 [::1]:5432
    host, _, port = hostport[1:].partition("]")
    port = port.lstrip(":")
else:
    host, _, port = hostport.partition(":")
values = {
    "PGHOST": unquote(host),
    "PGPORT": port,
    "PGUSER": unquote(user),
    "PGPASSWORD": unquote(password),
    "PGDATABASE": unquote(path),
}
for key, value in parse_qsl(query):
    if key == "sslmode":
        values["PGSSLMODE"] = value
if not values["PGDATABASE"]:
    sys.exit("the database URL names no database")
for key, value in values.items():
    if value:
        print(f"export {key}={shlex.quote(value)}")
    elif key != "PGPASSWORD":  # without one in the URL: PGPASSWORD or ~/.pgpass, as libpq does
        print(f"unset {key}")
PYTHON
)"; then
    return 1
  fi
  eval "$assignments"
}
