# Helpers for scripts/test.sh and scripts/start.sh: install and start the
# machine services the tests use, from Debian's packages, only when missing.

apt_install() {
  if [ -z "${MERIDIAN_APT_UPDATED:-}" ]; then
    apt-get update -qq >&2
    MERIDIAN_APT_UPDATED=1
  fi
  # waits for a dpkg lock held by another install rather than failing at once;
  # no recommends: wireguard-tools would pull a kernel image and its initramfs
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "$@" >&2
}

# The Backstage database tests run each suite on SQLite and on this PostgreSQL.
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return; fi
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "services: installing PostgreSQL" >&2
    apt_install postgresql
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  # trust on loopback: these clusters hold only throwaway test databases
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return
    sleep 1
  done
  echo "services: PostgreSQL did not start on 127.0.0.1:5432" >&2
  return 1
}

# The Prometheus replication source tests start their own Prometheus and
# postgres_exporter on free loopback ports; only the binaries are needed.
ensure_prometheus() {
  if [ -x /usr/bin/prometheus ] && [ -x /usr/bin/prometheus-postgres-exporter ]; then return; fi
  echo "services: installing Prometheus and postgres_exporter" >&2
  apt_install prometheus prometheus-postgres-exporter
  # The packages may start their daemons on 9090/9187: stop them (they run as
  # the user prometheus; the tests' own processes do not).
  local name
  for name in prometheus prometheus-postgres-exporter; do
    service "$name" stop >/dev/null 2>&1 || true
    start-stop-daemon --stop --quiet --oknodo --user prometheus --exec "/usr/bin/$name" || true
  done
}

# The Patroni promoter tests start their own etcd and two Patroni members
# (running this PostgreSQL 15) on free loopback ports; only the binaries are
# needed. Debian's Patroni 3.0 talks to etcd 3.4 through its etcd3 API.
ensure_patroni() {
  if [ -x /usr/bin/patroni ] && [ -x /usr/bin/etcd ] && /usr/bin/python3 -c 'import etcd' 2>/dev/null; then return; fi
  echo "services: installing Patroni and etcd" >&2
  apt_install patroni python3-etcd etcd-server
  # The packages may start etcd on 2379 and a Patroni service: stop them (etcd
  # runs as the user etcd; the tests' own processes do not).
  service patroni stop >/dev/null 2>&1 || true
  service etcd stop >/dev/null 2>&1 || true
  start-stop-daemon --stop --quiet --oknodo --user etcd --exec /usr/bin/etcd || true
}

ensure_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then return; fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "services: installing Chromium" >&2
    apt_install chromium
  fi
  export CHROMIUM_PATH=/usr/bin/chromium
}

# TechDocs builds the runbooks (docs/, mkdocs.yml) with the local mkdocs
# (techdocs.generator.runIn: local) and the material theme; the techdocs-core
# plugin is not needed (techdocs.generator.mkdocs.omitTechdocsCorePlugin).
ensure_mkdocs() {
  if command -v mkdocs >/dev/null && dpkg -s mkdocs-material >/dev/null 2>&1; then return; fi
  echo "services: installing mkdocs and mkdocs-material" >&2
  apt_install mkdocs mkdocs-material
}

# The traffic-switch tests start their own PowerDNS (sqlite3 backend) on free
# loopback ports, and the demo one on fixed ports; only the binaries are needed.
# sqlite3 initialises its database, dig asks it.
ensure_powerdns() {
  if [ -x /usr/sbin/pdns_server ] && [ -f /usr/lib/x86_64-linux-gnu/pdns/libgsqlite3backend.so ] \
    && command -v sqlite3 >/dev/null && command -v dig >/dev/null; then
    return
  fi
  echo "services: installing PowerDNS, sqlite3 and dig" >&2
  apt_install pdns-server pdns-backend-sqlite3 sqlite3 bind9-dnsutils
  # The package starts an authoritative server on port 53 (bind backend):
  # stop it and keep it from starting again, so it holds no port.
  service pdns stop >/dev/null 2>&1 || true
  systemctl disable pdns >/dev/null 2>&1 || true
  start-stop-daemon --stop --quiet --oknodo --exec /usr/sbin/pdns_server --pidfile /run/pdns/pdns.pid || true
}

# The meridian:region:create tests run `wg-quick strip` on the WireGuard
# config the action writes; only the userspace tools are needed, no module.
ensure_wireguard() {
  if command -v wg >/dev/null && command -v wg-quick >/dev/null; then return; fi
  echo "services: installing wireguard-tools" >&2
  apt_install wireguard-tools
}
