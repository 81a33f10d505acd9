#!/usr/bin/env bash
# The machine services of the live demo (scripts/start.sh), on loopback:
#   us-east  PostgreSQL 15 primary            127.0.0.1:$MERIDIAN_DEMO_US_EAST_PORT (25432)
#   us-west  its streaming standby            :$MERIDIAN_DEMO_US_WEST_PORT (25433)
#   PowerDNS api.meridian.test. -> us-east    DNS :$MERIDIAN_DEMO_DNS_PORT (5354), API :$MERIDIAN_DEMO_PDNS_API_PORT (8081)
#   studio-primary / studio-sul, a second pair read through Prometheus:
#            nodes :$MERIDIAN_DEMO_STUDIO_PRIMARY_PORT (25434) and :$MERIDIAN_DEMO_STUDIO_SUL_PORT (25435),
#            a postgres_exporter each, Prometheus :$MERIDIAN_DEMO_PROMETHEUS_PORT (29090)
#   the demo OpenCost                          :$MERIDIAN_DEMO_OPENCOST_PORT (29003)
#   a writer committing a row every 2 s on whichever node of each pair takes writes
#
# Usage: demo-services.sh up | down | reattach NODE
#   up    resumes the services of $MERIDIAN_DEMO_DIR (default /tmp/meridian-demo)
#         when it holds them, else (or when resuming fails) starts them from
#         fresh data; exits 0 once all answer, non-zero having stopped them.
#         MERIDIAN_DEMO_CLEAN=1 always starts from fresh data.
#   down  stops every process it started, by the PIDs it recorded.
#   reattach NODE
#         after a switchover or failover, makes the old primary NODE a standby
#         of the new one (pg_rewind; docs/runbooks/failback.md), for failing back.
# Writes $MERIDIAN_DEMO_DIR/secrets.env (mode 600): the passwords and API key
# the portal's config reads. Each step runs in its own process so that `set -e`
# holds in it (bash ignores it inside a function called from `if`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SELF="$ROOT/scripts/lib/demo-services.sh"

DEMO_DIR=${MERIDIAN_DEMO_DIR:-/tmp/meridian-demo}
: "${MERIDIAN_DEMO_US_EAST_PORT:=25432}" "${MERIDIAN_DEMO_US_WEST_PORT:=25433}"
: "${MERIDIAN_DEMO_STUDIO_PRIMARY_PORT:=25434}" "${MERIDIAN_DEMO_STUDIO_SUL_PORT:=25435}"
: "${MERIDIAN_DEMO_DNS_PORT:=5354}" "${MERIDIAN_DEMO_PDNS_API_PORT:=8081}"
: "${MERIDIAN_DEMO_PROMETHEUS_PORT:=29090}" "${MERIDIAN_DEMO_OPENCOST_PORT:=29003}"
: "${MERIDIAN_DEMO_EXPORTER_PORTS:=29187 29188}"
PGBIN=/usr/lib/postgresql/15/bin
PG_OS_USER=postgres # initdb and postgres refuse to run as root
PG_DIR=$DEMO_DIR/pg
SOCK=$PG_DIR/sock
RUN=$DEMO_DIR/run
LOGS=$DEMO_DIR/logs
SECRETS=$DEMO_DIR/secrets.env
EAST_ADDRESS=10.48.0.10 # regions.traffic.api-dns.addresses in app-config.demo.yaml
NODES=(us-east us-west studio-primary studio-sul)

log() { printf '[demo %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

port_of() {
  case $1 in
    us-east) echo "$MERIDIAN_DEMO_US_EAST_PORT" ;;
    us-west) echo "$MERIDIAN_DEMO_US_WEST_PORT" ;;
    studio-primary) echo "$MERIDIAN_DEMO_STUDIO_PRIMARY_PORT" ;;
    studio-sul) echo "$MERIDIAN_DEMO_STUDIO_SUL_PORT" ;;
  esac
}

# Runs a PostgreSQL binary, as the postgres OS user when we are root.
pg() {
  local bin=$1; shift
  if [ "$(id -u)" = 0 ]; then
    (cd "$PG_DIR" && runuser -u "$PG_OS_USER" -- "$PGBIN/$bin" "$@")
  else
    "$PGBIN/$bin" "$@"
  fi
}
# psql as the superuser over the socket: sql NODE SQL
sql() { pg psql -X -q -At -v ON_ERROR_STOP=1 -h "$SOCK" -p "$(port_of "$1")" -U postgres -d postgres -c "$2"; }
# role_of NODE: standby (in recovery), fenced (a primary made read-only by
# Meridian's fence), primary, or nothing when it does not answer
role_of() {
  sql "$1" "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby'
    WHEN current_setting('default_transaction_read_only')::bool THEN 'fenced' ELSE 'primary' END" 2>/dev/null || true
}
# streams PRIMARY STANDBY: whether STANDBY streams from PRIMARY (through its slot)
streams() { [ "$(sql "$1" "SELECT state FROM pg_stat_replication WHERE application_name = '${2//-/_}'")" = streaming ]; }
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# spawn NAME COMMAND...: starts a daemon in its own session (Ctrl-C reaches
# only start.sh, which stops it in order) and records its PID and command name.
spawn() {
  local name=$1; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  local pid=$!
  sleep 0.2
  printf '%s %s\n' "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null || echo gone)" >"$RUN/$name.pid"
}

# wait_until NAME SECONDS COMMAND...: until COMMAND succeeds; fails at once
# when the process spawned as NAME (if any) has exited
wait_until() {
  local name=$1 seconds=$2 deadline pid=""; shift 2
  deadline=$((SECONDS + seconds))
  if [ -f "$RUN/$name.pid" ]; then read -r pid _ <"$RUN/$name.pid"; fi
  while [ $SECONDS -lt $deadline ]; do
    "$@" >/dev/null 2>&1 && return 0
    if [ -n "$pid" ] && [ ! -d "/proc/$pid" ]; then
      die "$name exited: $(tail -n 3 "$LOGS/$name.log" 2>/dev/null)"
    fi
    sleep 0.5
  done
  die "$name: not ready within $seconds s (logs in $LOGS)"
}

# ------------------------------------------------------------------ stopping
down() {
  local file pid comm name
  for file in "$RUN"/*.pid; do
    [ -f "$file" ] || continue
    read -r pid comm <"$file" || true
    name=$(basename "$file" .pid)
    # only the process recorded, never another that reused its PID
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ]; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
      if [ -d "/proc/$pid" ]; then
        log "$name ($pid) did not stop on SIGTERM: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
    rm -f "$file"
  done
  local node
  for node in "${NODES[@]}"; do
    if [ -f "$PG_DIR/$node/postmaster.pid" ]; then
      pg pg_ctl -D "$PG_DIR/$node" -m fast -w -t 30 stop >/dev/null 2>&1 ||
        pg pg_ctl -D "$PG_DIR/$node" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
  done
}

# ------------------------------------------------------------------ PostgreSQL
start_node() { # start_node NAME
  pg pg_ctl -D "$PG_DIR/$1" -l "$LOGS/$1.log" -w -t 60 \
    -o "-p $(port_of "$1") -c cluster_name=${1//-/_}" start >/dev/null
}

init_pair() { # init_pair PRIMARY STANDBY
  local primary=$1 standby=$2 slot=${2//-/_}
  log "initdb $primary (primary) on 127.0.0.1:$(port_of "$primary")"
  printf '%s' "$MERIDIAN_DEMO_PG_PASSWORD" >"$PG_DIR/pwfile.$primary"
  if [ "$(id -u)" = 0 ]; then chown "$PG_OS_USER": "$PG_DIR/pwfile.$primary"; fi
  pg initdb -D "$PG_DIR/$primary" -U postgres --pwfile="$PG_DIR/pwfile.$primary" -E UTF8 \
    --no-locale --auth-local=trust --auth-host=scram-sha-256 >"$LOGS/initdb-$primary.log"
  rm -f "$PG_DIR/pwfile.$primary"
  # both nodes of the pair share it: pg_basebackup copies it to the standby
  cat >>"$PG_DIR/$primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
wal_receiver_status_interval = '1s'
# pg_rewind, for failing back (docs/runbooks), needs it
wal_log_hints = on
wal_keep_size = '128MB'
EOF
  cat >"$PG_DIR/$primary/pg_hba.conf" <<EOF
local all all trust
local replication all trust
host all all 127.0.0.1/32 scram-sha-256
host replication replicator 127.0.0.1/32 scram-sha-256
EOF
  start_node "$primary"
  sql "$primary" "CREATE ROLE replicator LOGIN REPLICATION PASSWORD '$MERIDIAN_DEMO_REPLICATION_PASSWORD';
    CREATE TABLE orders (id bigserial PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now());"
  log "pg_basebackup $standby (standby of $primary) on 127.0.0.1:$(port_of "$standby")"
  # -R writes primary_conninfo, -C -S creates the slot the standby streams through
  PGPASSWORD=$MERIDIAN_DEMO_REPLICATION_PASSWORD pg pg_basebackup -D "$PG_DIR/$standby" \
    -d "host=127.0.0.1 port=$(port_of "$primary") user=replicator" -R -C -S "$slot" -X stream -c fast
  start_node "$standby"
  wait_until "$standby-streaming" 60 streams "$primary" "$standby"
  log "$standby is streaming from $primary"
}

# ------------------------------------------------------------------ failing back
peer_of() { # the other node of NAME's pair
  case $1 in
    us-east) echo us-west ;;
    us-west) echo us-east ;;
    studio-primary) echo studio-sul ;;
    studio-sul) echo studio-primary ;;
    *) return 1 ;;
  esac
}

# reattach NODE: steps 1-5 of docs/runbooks/failback.md on the demo's nodes.
# NODE, the old primary a switchover or failover fenced, becomes a streaming
# standby of its pair's other node, the primary now, so that the Failovers tab
# offers "Fail back".
reattach() {
  local node=${1:-} primary slot auto kept
  primary=$(peer_of "$node") ||
    die "reattach: '$node' is not a node of the demo (us-east, us-west, studio-primary, studio-sul)"
  [ -f "$SECRETS" ] && [ -f "$PG_DIR/$node/PG_VERSION" ] ||
    die "reattach: no demo in $DEMO_DIR (set MERIDIAN_DEMO_DIR as scripts/start.sh had it)"
  # shellcheck disable=SC1090 # the nodes' ports and the replication password
  source "$SECRETS"
  slot=${node//-/_}
  case $(role_of "$node") in
    primary) die "reattach: $node takes writes: it is the primary, not the old one (re-attach $primary?)" ;;
    standby) if streams "$primary" "$node"; then
      log "$node already streams from $primary"
      return 0
    fi ;;
  esac
  [ "$(role_of "$primary")" = primary ] ||
    die "reattach: $primary is not a running primary that takes writes ($(role_of "$primary")): nothing to re-attach $node to"
  if [ -f "$PG_DIR/$node/postmaster.pid" ]; then
    log "stopping $node: it must not take writes"
    pg pg_ctl -D "$PG_DIR/$node" -m fast -w -t 60 stop >/dev/null
  fi
  # straight after a promotion, pg_rewind sees the new timeline only once checkpointed
  sql "$primary" CHECKPOINT
  log "pg_rewind $node onto $primary's timeline"
  # (it first recovers a node that crashed, in single-user mode)
  pg pg_rewind --target-pgdata="$PG_DIR/$node" \
    --source-server="host=$SOCK port=$(port_of "$primary") user=postgres dbname=postgres" \
    >"$LOGS/$node-rewind.log" 2>&1 || die "pg_rewind failed: $(tail -n 3 "$LOGS/$node-rewind.log")"
  log "$(tail -n 1 "$LOGS/$node-rewind.log")"
  sql "$primary" "SELECT pg_create_physical_replication_slot('$slot')
    WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$slot')" >/dev/null
  # pg_rewind copied the primary's postgresql.auto.conf, whose conninfo is its
  # own old one; the fence's read-only default goes too (a standby is read-only)
  auto=$PG_DIR/$node/postgresql.auto.conf
  kept=$(grep -Ev '^(primary_conninfo|primary_slot_name|default_transaction_read_only) ' "$auto" || true)
  # rewritten in place: the file keeps the postgres OS user's ownership
  printf '%s\n' "$kept" \
    "primary_conninfo = 'host=127.0.0.1 port=$(port_of "$primary") user=replicator password=$MERIDIAN_DEMO_REPLICATION_PASSWORD application_name=$slot'" \
    "primary_slot_name = '$slot'" >"$auto"
  : >"$PG_DIR/$node/standby.signal"
  if [ "$(id -u)" = 0 ]; then chown "$PG_OS_USER": "$PG_DIR/$node/standby.signal"; fi
  start_node "$node"
  wait_until "$node-streaming" 60 streams "$primary" "$node"
  log "$node is a standby streaming from $primary: its Failovers tab offers Fail back once the portal sees it (seconds)"
}

# ------------------------------------------------------------------ PowerDNS
start_powerdns() { # start_powerdns fresh|resume
  local api="http://127.0.0.1:$MERIDIAN_DEMO_PDNS_API_PORT/api/v1/servers/localhost"
  mkdir -p "$DEMO_DIR/pdns"
  if [ "$1" = fresh ]; then
    sqlite3 "$DEMO_DIR/pdns/pdns.sqlite3" </usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
  fi
  cat >"$DEMO_DIR/pdns/pdns.conf" <<EOF
launch=gsqlite3
gsqlite3-database=$DEMO_DIR/pdns/pdns.sqlite3
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
socket-dir=$DEMO_DIR/pdns
enable-lua-records=yes
EOF
  chmod 600 "$DEMO_DIR/pdns/pdns.conf"
  log "PowerDNS on 127.0.0.1:$MERIDIAN_DEMO_DNS_PORT (DNS) and :$MERIDIAN_DEMO_PDNS_API_PORT (API)"
  spawn pdns /usr/sbin/pdns_server --config-dir="$DEMO_DIR/pdns"
  wait_until pdns 30 curl -fsS -o /dev/null -H "X-API-Key: $MERIDIAN_DEMO_PDNS_API_KEY" "$api"
  if [ "$1" = fresh ]; then
    curl -fsS -o /dev/null -X POST -H "X-API-Key: $MERIDIAN_DEMO_PDNS_API_KEY" "$api/zones" \
      -d "{\"name\": \"meridian.test.\", \"kind\": \"Native\", \"nameservers\": [\"ns1.meridian.test.\"],
           \"rrsets\": [{\"name\": \"api.meridian.test.\", \"type\": \"A\", \"ttl\": 5,
                        \"records\": [{\"content\": \"$EAST_ADDRESS\", \"disabled\": false}]}]}" ||
      die "could not create the zone meridian.test. (see $LOGS/pdns.log)"
  fi
  log "api.meridian.test. A $(dig +short @127.0.0.1 -p "$MERIDIAN_DEMO_DNS_PORT" api.meridian.test A)"
}

# ------------------------------------------------------------------ Prometheus
start_prometheus() {
  local ports=($MERIDIAN_DEMO_EXPORTER_PORTS) node i=0 targets=""
  # postgres_exporter before 0.13 has no pg_replication_*: the custom query
  # plugins/regions-backend/README.md gives for it
  cat >"$DEMO_DIR/exporter-queries.yaml" <<'EOF'
pg_replication:
  query: |
    SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
                ELSE GREATEST(0, EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())) END AS lag,
           CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS is_replica
  master: true
  metrics:
    - lag: { usage: GAUGE, description: "Seconds since the last replayed transaction (0 on a primary)" }
    - is_replica: { usage: GAUGE, description: "1 in recovery, 0 on a primary" }
EOF
  for node in studio-primary studio-sul; do
    DATA_SOURCE_NAME="postgresql://postgres:$MERIDIAN_DEMO_PG_PASSWORD@127.0.0.1:$(port_of "$node")/postgres?sslmode=disable" \
      spawn "exporter-$node" /usr/bin/prometheus-postgres-exporter \
      "--web.listen-address=127.0.0.1:${ports[$i]}" \
      "--extend.query-path=$DEMO_DIR/exporter-queries.yaml" --disable-settings-metrics
    targets+="{\"targets\": [\"127.0.0.1:${ports[$i]}\"], \"labels\": {\"node\": \"$node\"}},"
    i=$((i + 1))
  done
  # JSON is YAML
  printf '{"global": {"scrape_interval": "5s"}, "scrape_configs": [{"job_name": "postgres", "static_configs": [%s]}]}\n' \
    "${targets%,}" >"$DEMO_DIR/prometheus.yml"
  log "Prometheus on 127.0.0.1:$MERIDIAN_DEMO_PROMETHEUS_PORT scraping the exporters of studio-primary and studio-sul"
  spawn prometheus /usr/bin/prometheus "--config.file=$DEMO_DIR/prometheus.yml" \
    "--storage.tsdb.path=$DEMO_DIR/prometheus" \
    "--web.listen-address=127.0.0.1:$MERIDIAN_DEMO_PROMETHEUS_PORT"
  wait_until prometheus 90 curl -fsS -o /dev/null "http://127.0.0.1:$MERIDIAN_DEMO_PROMETHEUS_PORT/-/ready"
}

# ------------------------------------------------------------------ the rest
start_opencost() {
  log "demo OpenCost on 127.0.0.1:$MERIDIAN_DEMO_OPENCOST_PORT"
  # shellcheck disable=SC2016 # node resolves the require from the repository
  spawn opencost env -C "$ROOT" node --require @backstage/cli/config/nodeTransform.cjs \
    scripts/demo-opencost.ts "$MERIDIAN_DEMO_OPENCOST_PORT"
  wait_until opencost 180 curl -fsS -o /dev/null \
    "http://127.0.0.1:$MERIDIAN_DEMO_OPENCOST_PORT/allocation?window=2026-01-01T00:00:00Z,2026-01-02T00:00:00Z"
}

# Commits a row every 2 s on whichever node of each pair takes writes (a
# fenced or standby node refuses), so that the standbys have WAL to replay and
# their lag in seconds means something.
start_writer() {
  local psql="$PGBIN/psql -X -q -h $SOCK -U postgres -d postgres"
  if [ "$(id -u)" = 0 ]; then psql="runuser -u $PG_OS_USER -- $psql"; fi
  spawn writer bash -c "cd '$PG_DIR'; while sleep 2; do for p in $(port_of us-east) $(port_of us-west) $(port_of studio-primary) $(port_of studio-sul); do
    $psql -p \$p -c 'INSERT INTO orders DEFAULT VALUES' >/dev/null 2>&1 || true; done; done"
}

# The passwords and API key, and the nodes' ports: a standby's
# primary_conninfo names its primary's port, so a resumed node keeps its own.
write_secrets() {
  umask 077
  cat >"$SECRETS" <<EOF
export MERIDIAN_DEMO_PG_PASSWORD=$(random_hex 12)
export MERIDIAN_DEMO_REPLICATION_PASSWORD=$(random_hex 12)
export MERIDIAN_DEMO_PDNS_API_KEY=$(random_hex 16)
export MERIDIAN_DEMO_US_EAST_PORT=$MERIDIAN_DEMO_US_EAST_PORT
export MERIDIAN_DEMO_US_WEST_PORT=$MERIDIAN_DEMO_US_WEST_PORT
export MERIDIAN_DEMO_STUDIO_PRIMARY_PORT=$MERIDIAN_DEMO_STUDIO_PRIMARY_PORT
export MERIDIAN_DEMO_STUDIO_SUL_PORT=$MERIDIAN_DEMO_STUDIO_SUL_PORT
EOF
}

fresh() {
  log "starting the demo services from fresh data in $DEMO_DIR"
  rm -rf "$DEMO_DIR"
  mkdir -p "$PG_DIR" "$SOCK" "$RUN" "$LOGS" "$DEMO_DIR/portal-db"
  # the postgres OS user must reach the nodes' folder; the secrets are 600
  chmod 755 "$DEMO_DIR"
  chmod 700 "$PG_DIR"
  write_secrets
  # shellcheck disable=SC1090
  source "$SECRETS"
  if [ "$(id -u)" = 0 ]; then chown -R "$PG_OS_USER": "$PG_DIR" "$LOGS"; fi
  init_pair us-east us-west
  init_pair studio-primary studio-sul
  start_powerdns fresh
  start_prometheus
  start_opencost
  start_writer
}

resume() {
  [ -f "$SECRETS" ] && [ -f "$PG_DIR/us-east/PG_VERSION" ] && [ -f "$DEMO_DIR/pdns/pdns.sqlite3" ] ||
    die "nothing to resume in $DEMO_DIR"
  log "resuming the demo services of $DEMO_DIR (MERIDIAN_DEMO_CLEAN=1 starts afresh)"
  # shellcheck disable=SC1090
  source "$SECRETS"
  mkdir -p "$RUN" "$LOGS"
  local node
  for node in "${NODES[@]}"; do
    start_node "$node"
    log "$node on 127.0.0.1:$(port_of "$node"): $(role_of "$node")"
  done
  start_powerdns resume
  start_prometheus
  start_opencost
  start_writer
}

check_ports() {
  local port
  for port in "$MERIDIAN_DEMO_US_EAST_PORT" "$MERIDIAN_DEMO_US_WEST_PORT" \
    "$MERIDIAN_DEMO_STUDIO_PRIMARY_PORT" "$MERIDIAN_DEMO_STUDIO_SUL_PORT" \
    "$MERIDIAN_DEMO_DNS_PORT" "$MERIDIAN_DEMO_PDNS_API_PORT" "$MERIDIAN_DEMO_PROMETHEUS_PORT" \
    "$MERIDIAN_DEMO_OPENCOST_PORT" $MERIDIAN_DEMO_EXPORTER_PORTS; do
    port_free "$port" || die "port $port is in use: set the MERIDIAN_DEMO_*_PORT variables (see scripts/lib/demo-services.sh)"
  done
}

up() {
  "$SELF" down # what a run killed without Ctrl-C left
  if [ "${MERIDIAN_DEMO_CLEAN:-}" != 1 ] && [ -f "$SECRETS" ]; then
    # shellcheck disable=SC1090 # the nodes keep the ports they were created with
    source "$SECRETS"
  fi
  "$SELF" check-ports
  if [ "${MERIDIAN_DEMO_CLEAN:-}" != 1 ] && [ -f "$SECRETS" ]; then
    if "$SELF" resume; then return 0; fi
    "$SELF" down
    local aside
    aside="$DEMO_DIR.unresumable-$(date +%Y%m%d-%H%M%S)"
    mv "$DEMO_DIR" "$aside"
    log "could not resume: starting afresh (the old state is kept in $aside)"
  fi
  if ! "$SELF" fresh; then
    "$SELF" down
    return 1
  fi
}

case "${1:-}" in
  up) up ;;
  down) mkdir -p "$RUN" && down ;;
  fresh) fresh ;;
  resume) resume ;;
  check-ports) check_ports ;;
  reattach) reattach "${2:-}" ;;
  *) sed -n '2,24p' "$SELF" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
