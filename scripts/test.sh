#!/usr/bin/env bash
# Installs what the tests need and runs every test: type check, unit and
# integration tests of every package (SQLite and the local PostgreSQL), then the
# end-to-end run in Chromium. Idempotent; safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/bootstrap.sh"
source "$ROOT/scripts/lib/services.sh"
cd "$ROOT"

ensure_postgres
ensure_prometheus
ensure_patroni
ensure_powerdns
ensure_chromium
ensure_mkdocs
ensure_wireguard
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"

results="$ROOT/node_modules/.cache"
mkdir -p "$results"
rm -f "$results/jest-results.json" "$results/e2e-results.json" "$results/e2e-demo-results.json"

echo "== type check, lint, formatting"
yarn tsc
yarn backstage-cli repo lint
yarn prettier --check . >/dev/null

echo "== unit and integration tests"
status=0
CI=true yarn backstage-cli repo test --json --outputFile="$results/jest-results.json" || status=$?

echo "== end-to-end (backend + frontend + Chromium)"
CI=true yarn playwright test || status=$?

echo "== end-to-end of the first command (scripts/start.sh, playwright.demo.config.ts)"
CI=true yarn playwright test -c playwright.demo.config.ts || status=$?

node "$ROOT/scripts/lib/summarize-results.js" "$results/jest-results.json" "$results/e2e-results.json" "$results/e2e-demo-results.json"
exit $status
