#!/usr/bin/env bash
# Installs what the tests need and runs every test: type check, unit and
# integration tests of every package (SQLite and the local PostgreSQL), then the
# end-to-end run in Chromium. Idempotent; safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# How long each stage took, printed at the end: a fresh machine's time is the
# figure a newcomer (and CI's limit) cares about.
stage_names=()
stage_seconds=()
stage_started=$SECONDS
end_stage() {
  stage_names+=("$1")
  stage_seconds+=($((SECONDS - stage_started)))
  stage_started=$SECONDS
}
print_stages() {
  echo "== durations"
  local i
  for i in "${!stage_names[@]}"; do
    printf '%-28s %4dm%02ds\n' "${stage_names[$i]}" $((stage_seconds[i] / 60)) $((stage_seconds[i] % 60))
  done
  printf '%-28s %4dm%02ds\n' "total" $((SECONDS / 60)) $((SECONDS % 60))
}
# also when a stage stops the run early (set -e)
trap print_stages EXIT

source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
end_stage "install (node, yarn, deps)"
source "$ROOT/scripts/lib/services.sh"

ensure_postgres
ensure_prometheus
ensure_patroni
ensure_powerdns
ensure_chromium
ensure_mkdocs
ensure_wireguard
end_stage "services (Debian packages)"
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"

results="$ROOT/node_modules/.cache"
mkdir -p "$results"
rm -f "$results/jest-results.json" "$results/e2e-results.json" "$results/e2e-demo-results.json"

echo "== type check, lint, formatting"
yarn tsc
yarn backstage-cli repo lint
yarn prettier --check . >/dev/null
end_stage "type check, lint, format"

echo "== unit and integration tests"
status=0
# Three workers on two cores: the backend suites mostly wait on the PostgreSQL,
# Patroni and PowerDNS processes they start (backstage-cli would pick two);
# on 2 cores this took jest from 701 s to 475–504 s, all passing.
CI=true yarn backstage-cli repo test --maxWorkers=3 --json --outputFile="$results/jest-results.json" || status=$?
end_stage "jest"

echo "== end-to-end (backend + frontend + Chromium)"
CI=true yarn playwright test || status=$?
end_stage "e2e"

echo "== end-to-end of the first command (scripts/start.sh, playwright.demo.config.ts)"
CI=true yarn playwright test -c playwright.demo.config.ts || status=$?
end_stage "e2e of the first command"
trap - EXIT
print_stages

# the closing line; it fails the run on any failed or flaky test too
node "$ROOT/scripts/lib/summarize-results.js" "$results/jest-results.json" "$results/e2e-results.json" "$results/e2e-demo-results.json" || status=1
exit $status
