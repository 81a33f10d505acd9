#!/usr/bin/env bash
# Installs what it needs and starts the live demo: a real PostgreSQL 15 primary
# (us-east) with a streaming standby (us-west), PowerDNS serving
# api.meridian.test., a second pair (studio-primary, studio-sul) read through
# Prometheus and postgres_exporter, the demo OpenCost, and the portal on them:
# http://localhost:3000. Ctrl-C stops everything it started.
#
# Usage: scripts/start.sh [--no-demo]
#   --no-demo   only the catalog portal, on in-memory SQLite, no services
#               (also MERIDIAN_NO_DEMO=1; and what it falls back to when the
#               services cannot start)
# The services and the portal's own database (failover runs, samples, scores)
# live in $MERIDIAN_DEMO_DIR (default /tmp/meridian-demo): a second run resumes
# them; MERIDIAN_DEMO_CLEAN=1 starts afresh. Ports: MERIDIAN_DEMO_APP_PORT (3000),
# MERIDIAN_DEMO_BACKEND_PORT (7007) and those of scripts/lib/demo-services.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

DEMO=1
case "${1:-}" in
  --no-demo) DEMO=0; shift ;;
  -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
if [ "${MERIDIAN_NO_DEMO:-}" = 1 ]; then DEMO=0; fi

log() { printf '[start %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

source "$ROOT/scripts/bootstrap.sh"
source "$ROOT/scripts/lib/services.sh"
# TechDocs builds the runbooks with the local mkdocs
ensure_mkdocs
cd "$ROOT"

catalog_only() {
  log "starting the catalog portal only (in-memory SQLite, no replication, cost or failover services)"
  exec yarn start "$@"
}
if [ "$DEMO" = 0 ]; then catalog_only "$@"; fi

# absolute: the services run from other folders
MERIDIAN_DEMO_DIR=$(realpath -m "${MERIDIAN_DEMO_DIR:-/tmp/meridian-demo}")
export MERIDIAN_DEMO_DIR
export MERIDIAN_DEMO_APP_PORT=${MERIDIAN_DEMO_APP_PORT:-3000}
export MERIDIAN_DEMO_BACKEND_PORT=${MERIDIAN_DEMO_BACKEND_PORT:-7007}
export MERIDIAN_DEMO_US_EAST_PORT=${MERIDIAN_DEMO_US_EAST_PORT:-25432}
export MERIDIAN_DEMO_US_WEST_PORT=${MERIDIAN_DEMO_US_WEST_PORT:-25433}
export MERIDIAN_DEMO_STUDIO_PRIMARY_PORT=${MERIDIAN_DEMO_STUDIO_PRIMARY_PORT:-25434}
export MERIDIAN_DEMO_STUDIO_SUL_PORT=${MERIDIAN_DEMO_STUDIO_SUL_PORT:-25435}
export MERIDIAN_DEMO_DNS_PORT=${MERIDIAN_DEMO_DNS_PORT:-5354}
export MERIDIAN_DEMO_PDNS_API_PORT=${MERIDIAN_DEMO_PDNS_API_PORT:-8081}
export MERIDIAN_DEMO_PROMETHEUS_PORT=${MERIDIAN_DEMO_PROMETHEUS_PORT:-29090}
export MERIDIAN_DEMO_OPENCOST_PORT=${MERIDIAN_DEMO_OPENCOST_PORT:-29003}
export MERIDIAN_DEMO_EXPORTER_PORTS=${MERIDIAN_DEMO_EXPORTER_PORTS:-29187 29188}
SERVICES="$ROOT/scripts/lib/demo-services.sh"

# The binaries of the services, from Debian's packages, only when missing.
# (`&&`: bash ignores `set -e` in a function called from `if`)
install_services() {
  { [ -x /usr/lib/postgresql/15/bin/initdb ] ||
    { log "installing PostgreSQL 15" && apt_install postgresql-15; }; } &&
    ensure_powerdns && ensure_prometheus
}
if ! install_services; then
  log "could not install PostgreSQL 15, PowerDNS and Prometheus (they need root and Debian's packages)"
  catalog_only "$@"
fi

PORTAL_PID=""
SERVICES_PID=""
cleanup() {
  trap - INT TERM EXIT
  log "stopping what the demo started"
  # interrupted while the services were starting: stop the starter first
  if [ -n "$SERVICES_PID" ] && kill -0 "$SERVICES_PID" 2>/dev/null; then
    pkill -TERM -P "$SERVICES_PID" 2>/dev/null || true
    kill -TERM "$SERVICES_PID" 2>/dev/null || true
    wait "$SERVICES_PID" 2>/dev/null || true
  fi
  if [ -n "$PORTAL_PID" ]; then
    kill -TERM -- "-$PORTAL_PID" 2>/dev/null || true
    # the dev servers may linger over their children: 20 s, then SIGKILL
    for _ in $(seq 1 100); do
      kill -0 -- "-$PORTAL_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$PORTAL_PID" 2>/dev/null || true
    wait "$PORTAL_PID" 2>/dev/null || true
  fi
  "$SERVICES" down || true
  log "stopped; data and logs stay in $MERIDIAN_DEMO_DIR (a second run resumes them)"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for port in "$MERIDIAN_DEMO_APP_PORT" "$MERIDIAN_DEMO_BACKEND_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "ERROR: port $port is in use (another portal?): set MERIDIAN_DEMO_APP_PORT and MERIDIAN_DEMO_BACKEND_PORT"
    exit 1
  fi
done
# in the background, so that Ctrl-C is handled at once even while they start
"$SERVICES" up &
SERVICES_PID=$!
if ! wait "$SERVICES_PID"; then
  log "the demo services could not start (see above and $MERIDIAN_DEMO_DIR/logs)"
  trap - INT TERM EXIT
  catalog_only "$@"
fi
# shellcheck disable=SC1091 # written by demo-services.sh up
source "$MERIDIAN_DEMO_DIR/secrets.env"

cat >&2 <<EOF

  The portal: http://localhost:$MERIDIAN_DEMO_APP_PORT (the first start compiles for a minute or two)
    Regions page: every region's replication, readiness and month-to-date cost (demo data)
    /catalog/default/region/us-east
      Replication tab: us-west streaming from us-east, its lag live
      Failovers tab:   "Fail over…", target us-west: a drill, then a switchover
    Failing back, after the switchover: re-attach us-east as us-west's standby (pg_rewind),
      MERIDIAN_DEMO_DIR=$MERIDIAN_DEMO_DIR scripts/lib/demo-services.sh reattach us-east
      then "Fail back" on the switchover's run (us-east's Failovers tab)
    /catalog/default/region/studio-sul: its lag read through Prometheus
  Where traffic goes (10.48.0.10 us-east, 10.49.0.10 us-west):
    dig @127.0.0.1 -p $MERIDIAN_DEMO_DNS_PORT api.meridian.test +short
  The nodes (as root: runuser -u postgres -- psql ...):
    psql -h $MERIDIAN_DEMO_DIR/pg/sock -p $MERIDIAN_DEMO_US_EAST_PORT -U postgres    (us-east; us-west :$MERIDIAN_DEMO_US_WEST_PORT)
  Ctrl-C stops everything.

EOF
# Its own process group, so that the cleanup stops the backend and the dev server.
setsid yarn start --config "$ROOT/app-config.yaml" --config "$ROOT/app-config.demo.yaml" "$@" &
PORTAL_PID=$!
wait "$PORTAL_PID"
