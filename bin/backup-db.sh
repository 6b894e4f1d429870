#!/usr/bin/env bash
# Back up the portal's PostgreSQL database: pg_dump's custom format (-Fc: compressed, restored
# selectively and in parallel by pg_restore) into a timestamped file, then keep the N newest.
#
#   bin/backup-db.sh [--keep N] [--database URL] [TARGET_DIR]
#
# The database: --database URL, else DATABASE_URL (environment, else .env beside manage.py).
# TARGET_DIR defaults to var/backups; files are NAME-YYYYmmddTHHMMSS.mmmZ.dump (UTC), readable by
# their owner only (they hold personal data). --keep (default 14) counts this database's dumps in
# TARGET_DIR, the new one included, which is never deleted; other databases' dumps in the same
# directory are left alone. Prints the new file's path. Exits non-zero when anything fails: a
# failed dump leaves no file behind and deletes no older one; an old dump that cannot be
# deleted is named on stderr. Media files are not in the dump (README).
set -euo pipefail
# shellcheck source=bin/_database-url.sh
source "$(dirname "${BASH_SOURCE[0]}")/_database-url.sh"

usage() { echo "usage: $0 [--keep N] [--database URL] [TARGET_DIR]" >&2; exit 2; }

keep=14
url_arg=""
target=""
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) [ $# -ge 2 ] || usage; keep="$2"; shift 2 ;;
    --database) [ $# -ge 2 ] || usage; url_arg="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$target" ] || usage; target="$1"; shift ;;
  esac
done
case "$keep" in ''|*[!0-9]*|0) echo "--keep needs a number of at least 1" >&2; exit 2 ;; esac
if [ -z "$target" ]; then
  target="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/var/backups"
fi

url="$(database_url_from "$url_arg")"
if [ -z "$url" ]; then
  echo "no database: pass --database URL or set DATABASE_URL" >&2
  exit 2
fi
export_libpq_env "$url" || exit 2

umask 077
mkdir -p "$target"
stamp="$(date -u +%Y%m%dT%H%M%S.%3NZ)"
file="$target/$PGDATABASE-$stamp.dump"
partial="$file.partial"
trap 'rm -f "$partial"' EXIT

# --no-password: fail instead of waiting for a password prompt that nobody answers.
pg_dump --format=custom --no-password --file="$partial"
# A dump that pg_restore cannot read is no backup: check its table of contents now.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$file"
trap - EXIT

# Keep the new dump and the newest N-1 others of this database. Only names this script writes
# for this database count, NAME-<timestamp>.dump exactly: another database whose name starts
# with this one's (NAME-staging, NAME_staging) keeps its dumps, and a clock set back cannot make
# the new dump the "oldest". The quoted part of the glob is taken literally, so a name with *,
# ? or [ in it matches only itself. Timestamps of one width sort by time.
own=()
shopt -s nullglob
for old in "$target/$PGDATABASE"-*.dump; do
  rest="${old#"$target/$PGDATABASE"-}"
  if [[ "$rest" =~ ^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z\.dump$ ]] && [ "$old" != "$file" ] && [ -f "$old" ]; then
    own+=("$old")
  fi
done
shopt -u nullglob
failed=0
if [ "${#own[@]}" -ge "$keep" ]; then
  mapfile -t oldest < <(printf '%s\n' "${own[@]}" | LC_ALL=C sort | head -n "$((${#own[@]} - keep + 1))")
  for old in "${oldest[@]}"; do
    if ! rm -f -- "$old"; then
      echo "could not delete the old dump $old" >&2
      failed=1
    fi
  done
fi

echo "$file"
# The new dump is there, yet a directory that keeps growing must not go unnoticed.
exit "$failed"
