#!/usr/bin/env bash
# The failover demo: a PostgreSQL 15 primary (us-east) with a streaming standby
# (us-west) and a PowerDNS serving api.meridian.test., all on loopback, and the
# portal configured to use them (app-config.demo.yaml), so that a
# switchover can be run from the UI and watched in DNS.
#
# Usage: scripts/demo.sh [--services-only]
#   --services-only   start the databases and PowerDNS, print how to reach them, and
#                     wait without starting the portal
# Ctrl-C stops everything it started. Idempotent: each run starts from fresh data
# in $MERIDIAN_DEMO_DIR (default /tmp/meridian-demo), which is kept afterwards for
# its logs. Ports (all 127.0.0.1): MERIDIAN_DEMO_US_EAST_PORT (55432),
# MERIDIAN_DEMO_US_WEST_PORT (55433), MERIDIAN_DEMO_DNS_PORT (5354),
# MERIDIAN_DEMO_PDNS_API_PORT (8081); the portal on 3000 and 7007.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/services.sh"

SERVICES_ONLY=0
case "${1:-}" in
  --services-only) SERVICES_ONLY=1 ;;
  "") ;;
  *) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

DEMO_DIR=${MERIDIAN_DEMO_DIR:-/tmp/meridian-demo}
PGBIN=/usr/lib/postgresql/15/bin
PG_OS_USER=postgres # initdb and postgres refuse to run as root
export MERIDIAN_DEMO_US_EAST_PORT=${MERIDIAN_DEMO_US_EAST_PORT:-55432}
export MERIDIAN_DEMO_US_WEST_PORT=${MERIDIAN_DEMO_US_WEST_PORT:-55433}
export MERIDIAN_DEMO_DNS_PORT=${MERIDIAN_DEMO_DNS_PORT:-5354}
export MERIDIAN_DEMO_PDNS_API_PORT=${MERIDIAN_DEMO_PDNS_API_PORT:-8081}
PG_DIR=$DEMO_DIR/pg
PDNS_DIR=$DEMO_DIR/pdns
SOCK=$PG_DIR/sock
EAST_ADDRESS=10.48.0.10 # regions.traffic.api-dns.addresses in the demo config

log() { printf '[demo %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Runs a PostgreSQL binary, as the postgres OS user when we are root.
pg() {
  local bin=$1; shift
  if [ "$(id -u)" = 0 ]; then
    (cd "$PG_DIR" && runuser -u "$PG_OS_USER" -- "$PGBIN/$bin" "$@")
  else
    "$PGBIN/$bin" "$@"
  fi
}
# psql as the superuser over the socket: sql NODE_PORT SQL
sql() { pg psql -X -q -At -v ON_ERROR_STOP=1 -h "$SOCK" -p "$1" -U postgres -d postgres -c "$2"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- stop on exit
PDNS_PID=""
PORTAL_PID=""
cleanup() {
  trap - INT TERM EXIT
  log "stopping what the demo started"
  if [ -n "$PORTAL_PID" ]; then
    kill -TERM -- "-$PORTAL_PID" 2>/dev/null || true
    wait "$PORTAL_PID" 2>/dev/null || true
  fi
  if [ -n "$PDNS_PID" ]; then
    kill -TERM "$PDNS_PID" 2>/dev/null || true
    wait "$PDNS_PID" 2>/dev/null || true
  fi
  local node
  for node in us-east us-west; do
    if [ -f "$PG_DIR/$node/postmaster.pid" ]; then
      pg pg_ctl -D "$PG_DIR/$node" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
  done
  log "stopped; data and logs stay in $DEMO_DIR"
}

# A previous run left running (killed without Ctrl-C): stop its nodes first.
stop_leftovers() {
  local node pid
  for node in us-east us-west; do
    if [ -f "$PG_DIR/$node/postmaster.pid" ]; then
      pg pg_ctl -D "$PG_DIR/$node" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
  done
  # pdns_server writes it into its socket-dir
  if [ -f "$PDNS_DIR/pdns.pid" ]; then
    pid=$(cat "$PDNS_DIR/pdns.pid")
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = pdns_server ]; then
      kill -TERM "$pid"
      for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    fi
  fi
}

# ---------------------------------------------------------------- PostgreSQL
start_node() { # start_node NAME PORT
  pg pg_ctl -D "$PG_DIR/$1" -l "$PG_DIR/$1.log" -w -t 60 \
    -o "-p $2 -c cluster_name=${1//-/_}" start >/dev/null
}

start_databases() {
  local password replication_password
  password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  replication_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  export MERIDIAN_DEMO_PG_PASSWORD=$password
  mkdir -p "$SOCK"
  chmod 700 "$PG_DIR"
  printf '%s' "$password" >"$PG_DIR/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R "$PG_OS_USER": "$PG_DIR"; fi

  log "initdb us-east (primary) on 127.0.0.1:$MERIDIAN_DEMO_US_EAST_PORT"
  pg initdb -D "$PG_DIR/us-east" -U postgres --pwfile="$PG_DIR/pwfile" -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log"
  rm -f "$PG_DIR/pwfile"
  # Both nodes share it: pg_basebackup copies it to the standby.
  cat >>"$PG_DIR/us-east/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
wal_receiver_status_interval = '1s'
# pg_rewind, for failing back (docs/ runbooks), needs it
wal_log_hints = on
wal_keep_size = '128MB'
EOF
  cat >"$PG_DIR/us-east/pg_hba.conf" <<EOF
local all all trust
local replication all trust
host all all 127.0.0.1/32 scram-sha-256
host replication replicator 127.0.0.1/32 scram-sha-256
EOF
  start_node us-east "$MERIDIAN_DEMO_US_EAST_PORT"
  sql "$MERIDIAN_DEMO_US_EAST_PORT" "CREATE ROLE replicator LOGIN REPLICATION PASSWORD '$replication_password'"

  log "pg_basebackup us-west (standby of us-east) on 127.0.0.1:$MERIDIAN_DEMO_US_WEST_PORT"
  # -R writes primary_conninfo, -C -S creates the slot the standby streams through.
  PGPASSWORD=$replication_password pg pg_basebackup -D "$PG_DIR/us-west" \
    -d "host=127.0.0.1 port=$MERIDIAN_DEMO_US_EAST_PORT user=replicator" \
    -R -C -S us_west -X stream -c fast
  start_node us-west "$MERIDIAN_DEMO_US_WEST_PORT"

  local state=""
  for _ in $(seq 1 100); do
    state=$(sql "$MERIDIAN_DEMO_US_EAST_PORT" \
      "SELECT state FROM pg_stat_replication WHERE application_name = 'us_west'" 2>/dev/null || true)
    [ "$state" = streaming ] && break
    sleep 0.2
  done
  [ "$state" = streaming ] || die "us-west is not streaming from us-east (see $PG_DIR/*.log)"
  # Something to look at, and to check after a switchover.
  sql "$MERIDIAN_DEMO_US_EAST_PORT" "CREATE TABLE orders (id bigserial PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO orders (placed_at) SELECT now() FROM generate_series(1, 1000)"
  log "us-west is streaming from us-east"
}

# ---------------------------------------------------------------- PowerDNS
start_powerdns() {
  local schema=/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
  export MERIDIAN_DEMO_PDNS_API_KEY
  MERIDIAN_DEMO_PDNS_API_KEY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  mkdir -p "$PDNS_DIR"
  sqlite3 "$PDNS_DIR/pdns.sqlite3" <"$schema"
  cat >"$PDNS_DIR/pdns.conf" <<EOF
launch=gsqlite3
gsqlite3-database=$PDNS_DIR/pdns.sqlite3
local-address=127.0.0.1:$MERIDIAN_DEMO_DNS_PORT
api=yes
api-key=$MERIDIAN_DEMO_PDNS_API_KEY
webserver=yes
webserver-address=127.0.0.1
webserver-port=$MERIDIAN_DEMO_PDNS_API_PORT
webserver-allow-from=127.0.0.1
daemon=no
guardian=no
disable-syslog=yes
socket-dir=$PDNS_DIR
enable-lua-records=yes
EOF
  log "PowerDNS on 127.0.0.1:$MERIDIAN_DEMO_DNS_PORT (DNS) and :$MERIDIAN_DEMO_PDNS_API_PORT (API)"
  /usr/sbin/pdns_server --config-dir="$PDNS_DIR" >"$PDNS_DIR/pdns.log" 2>&1 &
  PDNS_PID=$!
  local api="http://127.0.0.1:$MERIDIAN_DEMO_PDNS_API_PORT/api/v1/servers/localhost"
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null -H "X-API-Key: $MERIDIAN_DEMO_PDNS_API_KEY" "$api" 2>/dev/null && break
    kill -0 "$PDNS_PID" 2>/dev/null || die "pdns_server exited: $(tail -n 5 "$PDNS_DIR/pdns.log")"
    sleep 0.1
  done
  curl -fsS -o /dev/null -X POST -H "X-API-Key: $MERIDIAN_DEMO_PDNS_API_KEY" "$api/zones" \
    -d "{\"name\": \"meridian.test.\", \"kind\": \"Native\", \"nameservers\": [\"ns1.meridian.test.\"],
         \"rrsets\": [{\"name\": \"api.meridian.test.\", \"type\": \"A\", \"ttl\": 5,
                      \"records\": [{\"content\": \"$EAST_ADDRESS\", \"disabled\": false}]}]}" \
    || die "could not create the zone meridian.test. (see $PDNS_DIR/pdns.log)"
  local answer
  answer=$(dig +short @127.0.0.1 -p "$MERIDIAN_DEMO_DNS_PORT" api.meridian.test A)
  [ "$answer" = "$EAST_ADDRESS" ] || die "api.meridian.test answered '$answer', not $EAST_ADDRESS"
  log "api.meridian.test. A $answer (us-east)"
}

# ---------------------------------------------------------------- main
if [ ! -x "$PGBIN/initdb" ]; then
  log "installing PostgreSQL 15"
  apt_install postgresql-15
fi
ensure_powerdns
stop_leftovers
for port in "$MERIDIAN_DEMO_US_EAST_PORT" "$MERIDIAN_DEMO_US_WEST_PORT" \
  "$MERIDIAN_DEMO_PDNS_API_PORT" "$MERIDIAN_DEMO_DNS_PORT"; do
  port_free "$port" || die "port $port is in use: set MERIDIAN_DEMO_*_PORT (see scripts/demo.sh)"
done
rm -rf "$DEMO_DIR"
mkdir -p "$PG_DIR"
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
start_databases
start_powerdns

cat >&2 <<EOF

  us-east (primary)  127.0.0.1:$MERIDIAN_DEMO_US_EAST_PORT   psql -h $SOCK -p $MERIDIAN_DEMO_US_EAST_PORT -U postgres
  us-west (standby)  127.0.0.1:$MERIDIAN_DEMO_US_WEST_PORT   psql -h $SOCK -p $MERIDIAN_DEMO_US_WEST_PORT -U postgres
  PowerDNS           dig @127.0.0.1 -p $MERIDIAN_DEMO_DNS_PORT api.meridian.test +short    (now $EAST_ADDRESS, us-east)
  (as root, run psql as the postgres user: runuser -u postgres -- psql ...)

EOF

if [ "$SERVICES_ONLY" = 1 ]; then
  log "services only: Ctrl-C to stop"
  while kill -0 "$PDNS_PID" 2>/dev/null; do sleep 1; done
  die "pdns_server exited: $(tail -n 5 "$PDNS_DIR/pdns.log")"
fi

source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
log "starting the portal (first start compiles for a minute or two)"
cat >&2 <<EOF

  Then open http://localhost:3000/catalog/default/region/us-east
    - Replication tab: us-west streaming from us-east
    - Failovers tab: "Fail over…", target us-west, mode switchover
  and watch the record move to us-west (10.49.0.10):
    watch -n1 dig @127.0.0.1 -p $MERIDIAN_DEMO_DNS_PORT api.meridian.test +short

EOF
# Its own process group, so that Ctrl-C's cleanup stops the backend and the dev server.
setsid yarn start --config "$ROOT/app-config.yaml" --config "$ROOT/app-config.demo.yaml" &
PORTAL_PID=$!
wait "$PORTAL_PID"
