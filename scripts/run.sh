#!/usr/bin/env bash
# `make run`: a local PostgreSQL under .data/, migrations, the offline mirror of the partner
# sites on 127.0.0.1:8081, a first crawl of it, and Treffpunkt on :8080 in `all` mode (API, UI
# and the job worker that re-crawls every source on its interval). Ctrl-C stops everything
# (the database keeps running: `make db-stop`).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./bin/treffpunkt
ADDR="${ADDR:-:8080}"
export DEMO_BASE="${DEMO_BASE:-http://127.0.0.1:8081}"

DATABASE_URL="${DATABASE_URL:-$(./scripts/devdb.sh start)}"
export DATABASE_URL
echo "database:    $DATABASE_URL"
$BIN migrate

$BIN demo-sites --addr "${DEMO_BASE#http://}" &
DEMO_PID=$!
trap 'kill $DEMO_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "$DEMO_BASE/" 2>/dev/null && break
  sleep 0.1
done
echo "demo sites:  $DEMO_BASE/ (offline mirror of the partner sites)"

echo "crawling sources.demo.yaml …"
$BIN crawl --sources sources.demo.yaml
PORT="${ADDR##*:}"
cat <<EOM

Treffpunkt is starting on http://localhost:$PORT/
  GraphQL:    http://localhost:$PORT/graphql
  Calendar:   http://localhost:$PORT/calendar.ics
  Staff UI:   http://localhost:$PORT/admin/  (create an account: $BIN users add --email you@example.org --role admin)
  Metrics:    http://localhost:$PORT/metrics
  Health:     http://localhost:$PORT/healthz   http://localhost:$PORT/readyz
Crawl again: DATABASE_URL='$DATABASE_URL' $BIN crawl --sources sources.demo.yaml
EOM
$BIN all --addr "$ADDR" --sources sources.demo.yaml
