#!/usr/bin/env bash
# A local PostgreSQL for development under .data/pg, on 127.0.0.1:${PGPORT:-5433}.
# Installs Debian's postgresql package when the binaries are missing and we are root.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PGPORT:-5433}"
DATA="$PWD/.data/pg"

bindir() {
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

BIN="$(bindir || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "PostgreSQL binaries not found: installing the postgresql package" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    BIN="$(bindir)"
  else
    echo "PostgreSQL binaries not found: install PostgreSQL (e.g. apt-get install postgresql)" >&2
    exit 1
  fi
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
start)
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$PWD/.data"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_pg "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/../pg.log" -w -t 60 \
      -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='treffpunkt'" | grep -q 1 \
    || as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres treffpunkt
  echo "postgres://postgres@127.0.0.1:$PORT/treffpunkt?sslmode=disable"
  ;;
stop)
  as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop || true
  ;;
*)
  echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
