#!/usr/bin/env bash
# Gemgate's restore drill: backs up the Gemgate database with pg_dump, restores the backup into a scratch database
# with pg_restore, and proves the restore complete: every table's row count and content checksum in the restored
# database equal the source's in the very snapshot the backup was taken from (so it also works on a live gateway).
# The response cache's rows are left out of the backup (they can be lost, infra/backup/README.md): its table is
# restored empty.
#
# Usage: PGHOST=... PGPORT=... PGUSER=... PGPASSWORD=... PGDATABASE=gemgate infra/backup/restore-drill.sh [--keep]
#   --keep               keep the scratch database and the backup file (default: both are removed on success)
#   DRILL_DATABASE       the scratch database (default gemgate_restore_drill; dropped first if it exists)
#   DRILL_DIR            where the backup file is written (default: a new temporary directory)
#   PG_BIN               directory of pg_dump, pg_restore, psql (default: from PATH). pg_dump must be of the server's
#                        major version or newer (the embedded PostgreSQL of `./gemgate run` is 17).
# The account needs CREATEDB (or DRILL_DATABASE must be droppable and creatable by it). Exit 0: the drill passed.
set -euo pipefail

keep=false
for arg in "$@"; do
  case "$arg" in
    --keep) keep=true ;;
    *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
  esac
done

: "${PGDATABASE:?PGDATABASE names the Gemgate database to back up}"
source_db="$PGDATABASE"
scratch_db="${DRILL_DATABASE:-gemgate_restore_drill}"
if [ "$scratch_db" = "$source_db" ]; then
  echo "DRILL_DATABASE must not be the source database" >&2
  exit 2
fi
bin="${PG_BIN:+$PG_BIN/}"
dir="${DRILL_DIR:-$(mktemp -d)}"
mkdir -p "$dir"
backup="$dir/gemgate.dump"
# tables whose rows may be lost (rebuilt by use): the response cache
losable_data=(response_cache)

psql_q() { "${bin}psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

# one row per table: name|rows|md5 of its rows in a stable order
checksums_sql() {
  local tables="$1" sql="" table
  for table in $tables; do
    sql+="SELECT '$table' || '|' || count(*) || '|' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
    sql+=" FROM public.\"$table\" t;"$'\n'
  done
  printf '%s' "$sql"
}

tables_sql="SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public';"

echo "restore drill: backing up database $source_db into $backup"
# A session that holds one snapshot: the backup and the source's checksums both read it.
coproc SNAPSHOT { psql_q -d "$source_db"; }
# bash unsets SNAPSHOT and SNAPSHOT_PID once the coprocess has exited, which may be before the wait below
snapshot_pid=$SNAPSHOT_PID
snapshot_in=${SNAPSHOT[1]}
snapshot_out=${SNAPSHOT[0]}
echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot(); $tables_sql" >&"$snapshot_in"
read -r snapshot <&"$snapshot_out"
read -r tables <&"$snapshot_out"
if [ -z "$tables" ]; then
  echo "restore drill: database $source_db has no tables" >&2
  exit 1
fi
{ checksums_sql "$tables"; echo "SELECT 'END';"; } >&"$snapshot_in"
source_sums=""
while read -r line <&"$snapshot_out"; do
  [ "$line" = "END" ] && break
  source_sums+="$line"$'\n'
done

exclude=()
for table in "${losable_data[@]}"; do
  exclude+=(--exclude-table-data="public.$table")
done
"${bin}pg_dump" --snapshot="$snapshot" --format=custom --no-owner --no-privileges "${exclude[@]}" \
  --file="$backup" "$source_db"
echo "COMMIT;" >&"$snapshot_in"
exec {snapshot_in}>&-
wait "$snapshot_pid" 2>/dev/null || true
echo "restore drill: backup of $(wc -c <"$backup") bytes"

echo "restore drill: restoring into scratch database $scratch_db"
psql_q -d "$source_db" -c "DROP DATABASE IF EXISTS \"$scratch_db\"" >/dev/null
psql_q -d "$source_db" -c "CREATE DATABASE \"$scratch_db\"" >/dev/null
"${bin}pg_restore" --no-owner --no-privileges --exit-on-error --dbname="$scratch_db" "$backup"

restored_sums="$(checksums_sql "$tables" | psql_q -d "$scratch_db")"$'\n'

failures=0
while IFS='|' read -r table rows sum; do
  [ -z "$table" ] && continue
  restored="$(grep "^$table|" <<<"$restored_sums" || true)"
  restored_rows="$(cut -d'|' -f2 <<<"$restored")"
  restored_sum="$(cut -d'|' -f3 <<<"$restored")"
  if [[ " ${losable_data[*]} " == *" $table "* ]]; then
    if [ "$restored_rows" != "0" ]; then
      echo "  FAIL $table: restored with $restored_rows rows, expected none (its rows are not backed up)"
      failures=$((failures + 1))
    else
      echo "  ok   $table: restored empty ($rows rows left out: may be lost)"
    fi
  elif [ "$restored_rows" = "$rows" ] && [ "$restored_sum" = "$sum" ]; then
    echo "  ok   $table: $rows rows, checksum $sum"
  else
    echo "  FAIL $table: source $rows rows ($sum), restored ${restored_rows:-none} rows (${restored_sum:-none})"
    failures=$((failures + 1))
  fi
done <<<"$source_sums"

source_version="$(psql_q -d "$source_db" -c \
  "SELECT max(version::int) FROM flyway_schema_history WHERE success AND version IS NOT NULL")"
restored_version="$(psql_q -d "$scratch_db" -c \
  "SELECT max(version::int) FROM flyway_schema_history WHERE success AND version IS NOT NULL")"
if [ "$source_version" != "$restored_version" ]; then
  echo "  FAIL schema version: source V$source_version, restored V$restored_version"
  failures=$((failures + 1))
else
  echo "  ok   schema version V$restored_version"
fi

if [ "$failures" -ne 0 ]; then
  echo "restore drill FAILED: $failures difference(s); scratch database $scratch_db and $backup kept" >&2
  exit 1
fi
if [ "$keep" = false ]; then
  psql_q -d "$source_db" -c "DROP DATABASE \"$scratch_db\"" >/dev/null
  rm -f "$backup"
fi
echo "restore drill PASSED: $(wc -w <<<"$tables") tables restored and verified"
