import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { isRoot, logTails, osUser, postmasterPid } from './postgresLab';
import { freePorts } from './ports';

const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';
const PATRONI_BIN = '/usr/bin/patroni';
const ETCD_BIN = '/usr/bin/etcd';
/** Patroni runs PostgreSQL, which refuses root: as root, run Patroni as this user. */
const POSTGRES_OS_USER = 'postgres';
const POLL_INTERVAL_MS = 100;
const DEFAULT_WAIT_MS = 60_000;
/** How long Patroni gets to stop its PostgreSQL cleanly before it is killed. */
const STOP_GRACE_MS = 10_000;

/** One Patroni member of a {@link PatroniCluster}. */
export interface PatroniLabMember {
  /** The Patroni member name, also its `application_name` and slot name on the leader. */
  name: string;
  /** The member's Patroni REST API, without credentials, e.g. `http://127.0.0.1:41234`. */
  restUrl: string;
  /** The PostgreSQL port Patroni runs its node on. */
  pgPort: number;
  dataDir: string;
  /** As the superuser `postgres`, over TCP with scram. */
  superuserConnectionString: string;
}

/** One row of Patroni's `GET /cluster`. */
export interface PatroniClusterMemberState {
  name: string;
  /** `leader`, `replica`, `sync_standby`, `standby_leader`. */
  role: string;
  /** `running`, `streaming` (replicas, Patroni ≥ 3.0.4), `stopped`, `starting`, ... */
  state: string;
  timeline?: number;
  /** Bytes behind the leader, or `unknown`. */
  lag?: number | string;
}

/** Options of {@link startPatroniCluster}. */
export interface PatroniClusterOptions {
  /** Member names, first leader first; lowercase letters, digits and `_`. Default `pg1`, `pg2`. */
  names?: [string, string];
  /** Where PostgreSQL 15's binaries are. Default `/usr/lib/postgresql/15/bin`. */
  binDir?: string;
  /** Patroni's `maximum_lag_on_failover` in bytes. Default 1 MiB, as Patroni's. */
  maximumLagOnFailover?: number;
}

/**
 * A Patroni cluster of two PostgreSQL 15 members (one leader, one streaming
 * replica) on a single-node etcd 3 (Patroni's `etcd3` API), all on free
 * loopback ports in a temporary directory. Made for tests: timings are short
 * (`ttl` 10 s, `loop_wait` 1 s) and `fsync` is off.
 */
export interface PatroniCluster {
  /** Patroni's `scope` (the cluster name in etcd). */
  scope: string;
  /** The etcd client URL. */
  etcdUrl: string;
  /** The members, in the order they were started (the first bootstraps as leader). */
  members: [PatroniLabMember, PatroniLabMember];
  /** The user and password the REST API's unsafe endpoints (POST, PATCH) require. */
  restApiCredentials: { username: string; password: string };
  /** The temporary directory holding etcd's and both members' data and logs. */
  dir: string;
  /** `GET /cluster` from the first member that answers. */
  clusterState(): Promise<PatroniClusterMemberState[]>;
  /** Waits until `leader` holds the leader lock and the other member streams from it. */
  waitForLeader(
    leader: PatroniLabMember,
    options?: { timeoutMs?: number },
  ): Promise<void>;
  /** Runs SQL on a member as the superuser and returns its rows. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    member: PatroniLabMember,
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  /** Kills a member's Patroni and its PostgreSQL at once (SIGKILL), the way a lost machine goes: its leader lock stays in etcd until its `ttl` runs out. */
  crash(member: PatroniLabMember): Promise<void>;
  /** Stops both Patroni members (which stop their PostgreSQL), then etcd, and removes the directory. Safe to call more than once. */
  stop(): Promise<void>;
}

class PatroniLab implements PatroniCluster {
  readonly scope = `meridian-lab-${randomBytes(4).toString('hex')}`;
  etcdUrl = '';
  members!: [PatroniLabMember, PatroniLabMember];
  readonly restApiCredentials = {
    username: 'patroni',
    password: randomBytes(12).toString('hex'),
  };
  readonly dir: string;
  private readonly socketDir: string;
  private readonly superuserPassword = randomBytes(12).toString('hex');
  private readonly replicationPassword = randomBytes(12).toString('hex');
  private readonly processes: ChildProcess[] = [];
  private readonly patronis = new Map<string, ChildProcess>();
  private readonly crashed = new Set<ChildProcess>();
  private stopping?: Promise<void>;
  // A crashed or killed test worker skips afterAll: still kill everything on exit.
  private readonly killOnExit = () => this.killSync();

  constructor(
    private readonly binDir: string,
    private readonly maximumLagOnFailover: number,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-patroni-'));
    this.socketDir = path.join(this.dir, 'sock');
    fs.mkdirSync(this.socketDir);
    if (isRoot()) {
      const { uid, gid } = osUser(POSTGRES_OS_USER);
      fs.chownSync(this.dir, uid, gid);
      fs.chownSync(this.socketDir, uid, gid);
    }
    process.once('exit', this.killOnExit);
  }

  async init(names: [string, string]) {
    const [clientPort, peerPort, ...memberPorts] = await freePorts(6);
    await this.startEtcd(clientPort, peerPort);
    this.members = [
      this.member(names[0], memberPorts[0], memberPorts[1]),
      this.member(names[1], memberPorts[2], memberPorts[3]),
    ];
    const [first, second] = this.members;
    // The second starts once the first holds the cluster's initialize key,
    // so that the first always bootstraps and leads.
    this.startPatroni(first);
    await this.waitUntil(
      `${first.name} to bootstrap the cluster`,
      async () => (await this.etcdValue('initialize')) !== undefined,
      DEFAULT_WAIT_MS,
    );
    this.startPatroni(second);
    await this.waitForLeader(first);
  }

  async clusterState(): Promise<PatroniClusterMemberState[]> {
    let lastError: unknown;
    for (const member of this.members) {
      try {
        const response = await fetch(`${member.restUrl}/cluster`);
        const body = (await response.json()) as {
          members: PatroniClusterMemberState[];
        };
        return body.members;
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`No Patroni member answered GET /cluster: ${lastError}`);
  }

  async waitForLeader(
    leader: PatroniLabMember,
    options: { timeoutMs?: number } = {},
  ) {
    const replica = this.members.find(member => member !== leader)!;
    await this.waitUntil(
      `${leader.name} to lead with ${replica.name} streaming from it`,
      async () => {
        const members = await this.clusterState();
        const leaderRow = members.find(member => member.name === leader.name);
        if (leaderRow?.role !== 'leader' || leaderRow.state !== 'running') {
          return false;
        }
        // Patroni's own view of the replica lags PostgreSQL's by a loop
        const replicaRow = members.find(member => member.name === replica.name);
        if (!['running', 'streaming'].includes(replicaRow?.state ?? '')) {
          return false;
        }
        const rows = await this.query(
          leader,
          `SELECT 1 FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'`,
          [replica.name],
        );
        return rows.length === 1;
      },
      options.timeoutMs ?? DEFAULT_WAIT_MS,
    );
  }

  async query<T extends Record<string, unknown>>(
    member: PatroniLabMember,
    sql: string,
    params?: unknown[],
  ): Promise<T[]> {
    const client = new Client({
      connectionString: member.superuserConnectionString,
    });
    client.on('error', () => {}); // a member demoted mid-test ends the connection
    await client.connect();
    try {
      const result = await client.query(sql, params);
      return result.rows as T[];
    } finally {
      await client.end();
    }
  }

  async crash(member: PatroniLabMember) {
    const patroni = this.patronis.get(member.name)!;
    this.crashed.add(patroni);
    const exited = new Promise(resolve => patroni.once('exit', resolve));
    killGroup(patroni, 'SIGKILL');
    await exited;
    const pid = postmasterPid(member.dataDir);
    if (pid) {
      process.kill(pid, 'SIGKILL');
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // SIGTERM makes Patroni stop its PostgreSQL and leave the cluster;
      // etcd goes last so that they can.
      await Promise.all(
        [...this.patronis.values()].map(child =>
          terminate(child, STOP_GRACE_MS),
        ),
      );
      await Promise.all(
        this.processes.map(child => terminate(child, STOP_GRACE_MS)),
      );
      this.killSync();
      process.removeListener('exit', this.killOnExit);
    })();
    return this.stopping;
  }

  /** Kills every process left and removes the directory; synchronous so it can run on exit. */
  private killSync() {
    for (const child of this.processes) {
      killGroup(child, 'SIGKILL');
    }
    // Patroni starts PostgreSQL in a session of its own, outside our groups.
    for (const member of this.members ?? []) {
      const pid = postmasterPid(member.dataDir);
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async startEtcd(clientPort: number, peerPort: number) {
    this.etcdUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    this.spawnLogged(
      'etcd',
      ETCD_BIN,
      [
        '--name',
        'lab',
        '--data-dir',
        path.join(this.dir, 'etcd'),
        '--listen-client-urls',
        this.etcdUrl,
        '--advertise-client-urls',
        this.etcdUrl,
        '--listen-peer-urls',
        peerUrl,
        '--initial-advertise-peer-urls',
        peerUrl,
        '--initial-cluster',
        `lab=${peerUrl}`,
        '--log-level',
        'warn',
      ],
      false,
    );
    await this.waitUntil(
      'etcd to be healthy',
      async () => {
        const response = await fetch(`${this.etcdUrl}/health`);
        return (
          ((await response.json()) as { health?: string }).health === 'true'
        );
      },
      DEFAULT_WAIT_MS,
    );
  }

  /** A key of this cluster in etcd (Patroni's default namespace `/service`), through etcd's v3 JSON gateway. */
  private async etcdValue(key: string): Promise<string | undefined> {
    const base64 = (text: string) => Buffer.from(text).toString('base64');
    const response = await fetch(`${this.etcdUrl}/v3/kv/range`, {
      method: 'POST',
      body: JSON.stringify({ key: base64(`/service/${this.scope}/${key}`) }),
    });
    const { kvs } = (await response.json()) as { kvs?: { value: string }[] };
    return kvs?.[0] && Buffer.from(kvs[0].value, 'base64').toString();
  }

  private member(
    name: string,
    restPort: number,
    pgPort: number,
  ): PatroniLabMember {
    return {
      name,
      restUrl: `http://127.0.0.1:${restPort}`,
      pgPort,
      dataDir: path.join(this.dir, name),
      superuserConnectionString: `postgresql://postgres:${this.superuserPassword}@127.0.0.1:${pgPort}/postgres`,
    };
  }

  private startPatroni(member: PatroniLabMember) {
    const restAddress = member.restUrl.replace('http://', '');
    const pgAddress = `127.0.0.1:${member.pgPort}`;
    // JSON is YAML: Patroni reads this as its YAML config file.
    const config = {
      scope: this.scope,
      name: member.name,
      log: { level: 'INFO' },
      restapi: {
        listen: restAddress,
        connect_address: restAddress,
        authentication: this.restApiCredentials,
      },
      etcd3: { hosts: this.etcdUrl.replace('http://', ''), protocol: 'http' },
      bootstrap: {
        dcs: {
          ttl: 10,
          loop_wait: 1,
          retry_timeout: 3,
          maximum_lag_on_failover: this.maximumLagOnFailover,
          postgresql: {
            use_pg_rewind: true,
            use_slots: true,
            parameters: {
              wal_level: 'replica',
              hot_standby: 'on',
              wal_log_hints: 'on',
              max_wal_senders: 10,
              max_replication_slots: 10,
              wal_receiver_status_interval: '1s',
              // tests kill processes, not the machine
              fsync: 'off',
              wal_keep_size: '32MB',
              min_wal_size: '32MB',
              max_wal_size: '64MB',
              shared_buffers: '32MB',
            },
          },
        },
        initdb: [{ encoding: 'UTF8' }, 'no-locale', 'no-sync'],
      },
      postgresql: {
        listen: pgAddress,
        connect_address: pgAddress,
        data_dir: member.dataDir,
        bin_dir: this.binDir,
        pgpass: path.join(this.dir, `${member.name}.pgpass`),
        authentication: {
          superuser: { username: 'postgres', password: this.superuserPassword },
          replication: {
            username: 'replicator',
            password: this.replicationPassword,
          },
        },
        parameters: { unix_socket_directories: this.socketDir },
        // the replica's copy must not wait for a spread checkpoint
        basebackup: [{ checkpoint: 'fast' }],
        pg_hba: [
          'local all all trust',
          'host all all 127.0.0.1/32 scram-sha-256',
          'host replication replicator 127.0.0.1/32 scram-sha-256',
        ],
      },
    };
    const configFile = path.join(this.dir, `${member.name}.yml`);
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2), {
      mode: 0o600,
    });
    if (isRoot()) {
      const { uid, gid } = osUser(POSTGRES_OS_USER);
      fs.chownSync(configFile, uid, gid);
    }
    const [command, args] = isRoot()
      ? ['runuser', ['-u', POSTGRES_OS_USER, '--', PATRONI_BIN, configFile]]
      : [PATRONI_BIN, [configFile]];
    this.patronis.set(
      member.name,
      this.spawnLogged(member.name, command, args, true),
    );
  }

  /** Starts a process in its own group, its output in `<dir>/<name>.log`. */
  private spawnLogged(
    name: string,
    command: string,
    args: string[],
    asPostgres: boolean,
  ) {
    const log = fs.openSync(path.join(this.dir, `${name}.log`), 'a');
    const child = spawn(command, args, {
      cwd: asPostgres ? this.dir : undefined, // the postgres user may not enter ours
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, LC_ALL: 'C' },
    });
    fs.closeSync(log);
    child.on('error', () => {}); // reported by the wait that times out, with the log
    this.processes.push(child);
    return child;
  }

  private async waitUntil(
    what: string,
    done: () => Promise<boolean>,
    timeoutMs: number,
  ) {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        if (await done()) {
          return;
        }
      } catch (error) {
        lastError = error; // still starting
      }
      const exited = this.processes.find(
        child => hasExited(child) && !this.crashed.has(child),
      );
      if (Date.now() > deadline || exited) {
        throw new Error(
          `${
            exited
              ? `${exited.spawnargs.join(' ')} exited (${
                  exited.exitCode ?? exited.signalCode
                })`
              : `Timed out after ${timeoutMs} ms`
          } waiting for ${what}${
            lastError ? ` (last error: ${lastError})` : ''
          }${this.logTails()}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  private logTails(): string {
    return logTails(
      fs
        .readdirSync(this.dir)
        .filter(file => file.endsWith('.log'))
        .map(file => path.join(this.dir, file)),
    );
  }
}

/**
 * Starts etcd and a two-member Patroni cluster and waits until the first
 * member leads and the second streams from it (about 5 s). The caller must
 * `stop()` it, typically in `afterAll`; if starting fails, what was started
 * is torn down before the error is thrown.
 */
export async function startPatroniCluster(
  options: PatroniClusterOptions = {},
): Promise<PatroniCluster> {
  const names = options.names ?? ['pg1', 'pg2'];
  for (const name of names) {
    if (!/^[a-z0-9_]+$/.test(name)) {
      throw new Error(
        `Member name "${name}" must be lowercase letters, digits and _`,
      );
    }
  }
  const binDir = options.binDir ?? DEFAULT_BIN_DIR;
  for (const binary of [path.join(binDir, 'initdb'), PATRONI_BIN, ETCD_BIN]) {
    if (!fs.existsSync(binary)) {
      throw new Error(
        `${binary} not found; install PostgreSQL 15 and Debian's patroni and etcd-server (scripts/lib/services.sh ensure_patroni)`,
      );
    }
  }
  const lab = new PatroniLab(binDir, options.maximumLagOnFailover ?? 1048576);
  try {
    await lab.init(names);
    return lab;
  } catch (error) {
    await lab.stop();
    throw error;
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || hasExited(child)) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the process group, SIGKILL if it has not exited within `graceMs`. */
async function terminate(child: ChildProcess, graceMs: number) {
  if (child.pid === undefined || hasExited(child)) {
    return;
  }
  const exited = new Promise(resolve => child.once('exit', resolve));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
