#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the SQL vault tests (idempotent).
#
#   .ci/postgres.sh            # installs Debian's postgresql if no server binaries exist, starts one,
#                              # creates database pipl_guard_test, writes .ci/postgres.env
#   source .ci/postgres.env    # exports PIPL_GUARD_TEST_PG_URL for pytest
#
# Settings: PG_TEST_PORT (54329), PG_TEST_DIR (/tmp/pipl_guard_pg), PG_TEST_ENV (.ci/postgres.env).
# Trust authentication on 127.0.0.1 only: this server is for tests and holds no real data.
set -euo pipefail

PORT="${PG_TEST_PORT:-54329}"
DATA="${PG_TEST_DIR:-/tmp/pipl_guard_pg}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENV_FILE="${PG_TEST_ENV:-$HERE/postgres.env}"
DB=pipl_guard_test
URL="postgresql+psycopg://postgres@127.0.0.1:${PORT}/${DB}"

find_bin() {
  local name="$1" dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  return 1
}

if ! find_bin pg_ctl >/dev/null || ! find_bin initdb >/dev/null; then
  echo "postgres.sh: installing PostgreSQL (Debian package)" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
PG_CTL="$(find_bin pg_ctl)"; INITDB="$(find_bin initdb)"; PSQL="$(find_bin psql)"

# PostgreSQL refuses to run as root: run the server as the 'postgres' user when we are root.
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

mkdir -p "$DATA"
[ "$(id -u)" -eq 0 ] && chown -R postgres "$DATA" 2>/dev/null || true
chmod 700 "$DATA"
if [ ! -f "$DATA/PG_VERSION" ]; then
  run_pg "$INITDB" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi

if ! run_pg "$PG_CTL" -D "$DATA" status >/dev/null 2>&1; then
  run_pg "$PG_CTL" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-p $PORT -c listen_addresses=127.0.0.1 -k $DATA" start >/dev/null
fi

if ! "$PSQL" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  "$PSQL" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE $DB" >/dev/null
fi

echo "export PIPL_GUARD_TEST_PG_URL=$URL" > "$ENV_FILE"
echo "$URL"
