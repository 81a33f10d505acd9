import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePorts } from './ports';

const execFileAsync = promisify(execFile);

const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';
/** The OS user that runs initdb and postgres when the tests run as root (both refuse root). */
const POSTGRES_OS_USER = 'postgres';
const POLL_INTERVAL_MS = 50;
const DEFAULT_WAIT_MS = 30_000;

/** One PostgreSQL node of a {@link PostgresPair}. */
export interface PostgresLabNode {
  /** `cluster_name` of the node; a standby's `application_name` and slot name on its primary. */
  name: string;
  port: number;
  dataDir: string;
  /** As the least-privilege role `meridian` (LOGIN, `pg_monitor` only), over TCP with scram. */
  monitoringConnectionString: string;
  /** As the superuser `postgres`, over TCP with scram. */
  superuserConnectionString: string;
  /** As `app`, an application's role (LOGIN, no superuser) that may create tables and write in `public`. */
  applicationConnectionString: string;
}

/** Options of {@link startPostgresPair}. */
export interface PostgresPairOptions {
  /** Node names, primary first; lowercase letters, digits and `_` (they name replication slots). Default `node1`, `node2`. */
  names?: [string, string];
  /** Where initdb, pg_ctl, pg_basebackup and pgbench are. Default `/usr/lib/postgresql/15/bin`. */
  binDir?: string;
  /** `wal_level = logical`, so that the primary can publish (see `addNode`, `subscribe`). Default `replica`. */
  logical?: boolean;
}

/**
 * A PostgreSQL 15 primary and a hot standby streaming from it through a
 * physical replication slot, on free loopback ports, in a temporary directory.
 * Made for tests: `fsync` is off and WAL sizes are small.
 */
export interface PostgresPair {
  /** The node that takes writes when the pair starts. */
  primary: PostgresLabNode;
  /** The node that streams from `primary` when the pair starts. */
  standby: PostgresLabNode;
  /** The temporary directory holding both data directories, their logs and sockets. */
  dir: string;
  /** Runs SQL on a node as the superuser and returns its rows. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    node: PostgresLabNode,
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  /**
   * Starts another PostgreSQL cluster of its own (not a copy of the pair:
   * another system identifier), with the same roles, e.g. a logical subscriber.
   */
  addNode(name: string): Promise<PostgresLabNode>;
  /**
   * Subscribes `subscriber` to `publication` on `publisher` as the
   * replication role (its slot on the publisher is named `subscription`),
   * and waits until every table has finished its initial sync.
   */
  subscribe(options: {
    subscriber: PostgresLabNode;
    publisher: PostgresLabNode;
    publication: string;
    subscription: string;
  }): Promise<void>;
  /** Stops a node with `pg_ctl stop`, by default in `fast` mode. */
  stopNode(
    node: PostgresLabNode,
    mode?: 'smart' | 'fast' | 'immediate',
  ): Promise<void>;
  /** Starts a stopped node again on its port. */
  startNode(node: PostgresLabNode): Promise<void>;
  /** Pauses WAL replay on a standby (`pg_wal_replay_pause()`) and waits until it is paused. */
  pauseReplay(node: PostgresLabNode): Promise<void>;
  /** Resumes WAL replay on a standby. */
  resumeReplay(node: PostgresLabNode): Promise<void>;
  /** Runs pgbench (scale 1, initialised on first use) against a primary for a number of seconds. */
  runWriteLoad(options: {
    node: PostgresLabNode;
    seconds: number;
    clients?: number;
  }): Promise<void>;
  /** Waits until the primary reports `standby` as `streaming` in `pg_stat_replication`. */
  waitForStreaming(options?: {
    primary?: PostgresLabNode;
    standby?: PostgresLabNode;
    timeoutMs?: number;
  }): Promise<void>;
  /**
   * Waits until the primary sees `standby` replay everything written so far,
   * so that both nodes report it caught up.
   */
  waitForCatchUp(options?: {
    primary?: PostgresLabNode;
    standby?: PostgresLabNode;
    timeoutMs?: number;
  }): Promise<void>;
  /**
   * Turns a stopped-or-running old primary into a standby of `primary` (the
   * failback runbook): stops it, `pg_rewind`s it from `primary`, points it at
   * `primary` through a slot named after it, starts it and waits until it
   * streams.
   */
  rewindAsStandby(
    node: PostgresLabNode,
    primary: PostgresLabNode,
  ): Promise<void>;
  /** Freezes a node: SIGSTOP to its postmaster and every child, as a stalled host or a partition looks. */
  freeze(node: PostgresLabNode): void;
  /** Resumes a frozen node (SIGCONT). */
  thaw(node: PostgresLabNode): void;
  /** The pids of a node's postmaster and its children; empty when it is not running. */
  pidsOf(node: PostgresLabNode): number[];
  /** Kills both nodes and removes the directory. Safe to call more than once. */
  stop(): Promise<void>;
}

class PostgresLab implements PostgresPair {
  primary!: PostgresLabNode;
  standby!: PostgresLabNode;
  readonly dir: string;
  private readonly socketDir: string;
  private readonly superuserPassword = randomBytes(12).toString('hex');
  private readonly monitoringPassword = randomBytes(12).toString('hex');
  private readonly replicationPassword = randomBytes(12).toString('hex');
  private readonly applicationPassword = randomBytes(12).toString('hex');
  private readonly nodes: PostgresLabNode[] = [];
  private pgbenchInitialized = false;
  private stopping?: Promise<void>;
  // A crashed or killed test worker skips afterAll: still kill the postmasters on exit.
  private readonly killOnExit = () => this.killSync();

  constructor(
    private readonly binDir: string,
    private readonly walLevel: 'replica' | 'logical' = 'replica',
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-pglab-'));
    this.socketDir = path.join(this.dir, 'sock');
    fs.mkdirSync(this.socketDir);
    if (isRoot()) {
      const { uid, gid } = osUser(POSTGRES_OS_USER);
      fs.chownSync(this.dir, uid, gid);
      fs.chownSync(this.socketDir, uid, gid);
    }
    process.once('exit', this.killOnExit);
  }

  async init(primaryName: string, standbyName: string) {
    const [primaryPort, standbyPort] = await freePorts(2);
    this.primary = this.node(primaryName, primaryPort);
    this.standby = this.node(standbyName, standbyPort);

    await this.initdb(this.primary);
    await this.startNode(this.primary);
    await this.createRoles(this.primary);

    // -R writes primary_conninfo, -C -S creates the physical slot the standby keeps.
    await this.run(
      'pg_basebackup',
      [
        '-D',
        this.standby.dataDir,
        '-d',
        `host=127.0.0.1 port=${primaryPort} user=replicator`,
        '-R',
        '-C',
        '-S',
        this.standby.name,
        '-X',
        'stream',
        '-c',
        'fast',
        '--no-sync',
      ],
      { PGPASSWORD: this.replicationPassword },
    );
    await this.startNode(this.standby);
    await this.waitForStreaming();
  }

  async addNode(name: string): Promise<PostgresLabNode> {
    const [port] = await freePorts(1);
    const node = this.node(name, port);
    await this.initdb(node);
    await this.startNode(node);
    await this.createRoles(node);
    return node;
  }

  async subscribe(options: {
    subscriber: PostgresLabNode;
    publisher: PostgresLabNode;
    publication: string;
    subscription: string;
  }) {
    const { subscriber, publisher, publication, subscription } = options;
    // CREATE SUBSCRIPTION cannot run in a transaction: one statement alone.
    await this.query(
      subscriber,
      `CREATE SUBSCRIPTION ${subscription}
         CONNECTION 'host=127.0.0.1 port=${publisher.port} user=replicator password=${this.replicationPassword} dbname=postgres'
         PUBLICATION ${publication}`,
    );
    await this.waitUntil(
      subscriber,
      `SELECT bool_and(r.srsubstate = 'r') AS done
         FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid
        WHERE s.subname = $1`,
      [subscription],
      DEFAULT_WAIT_MS,
    );
  }

  private async createRoles(node: PostgresLabNode) {
    await this.query(
      node,
      `CREATE ROLE replicator LOGIN REPLICATION PASSWORD '${this.replicationPassword}';
       CREATE ROLE meridian LOGIN PASSWORD '${this.monitoringPassword}' IN ROLE pg_monitor;
       CREATE ROLE app LOGIN PASSWORD '${this.applicationPassword}';
       GRANT CREATE ON SCHEMA public TO app;`,
    );
  }

  async query<T extends Record<string, unknown>>(
    node: PostgresLabNode,
    sql: string,
    params?: unknown[],
  ): Promise<T[]> {
    const client = new Client({
      connectionString: node.superuserConnectionString,
    });
    client.on('error', () => {}); // a node stopped mid-test ends the connection
    await client.connect();
    try {
      const result = await client.query(sql, params);
      // a multi-statement string answers one result per statement
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return last.rows as T[];
    } finally {
      await client.end();
    }
  }

  async stopNode(
    node: PostgresLabNode,
    mode: 'smart' | 'fast' | 'immediate' = 'fast',
  ) {
    await this.run('pg_ctl', [
      '-D',
      node.dataDir,
      '-m',
      mode,
      '-w',
      '-t',
      '60',
      'stop',
    ]);
  }

  async startNode(node: PostgresLabNode) {
    // Port and cluster_name come from the command line so that the config
    // copied by pg_basebackup never carries the other node's identity.
    await this.run('pg_ctl', [
      '-D',
      node.dataDir,
      '-l',
      `${node.dataDir}.log`,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${node.port} -c cluster_name=${node.name}`,
      'start',
    ]);
  }

  async pauseReplay(node: PostgresLabNode) {
    await this.query(node, 'SELECT pg_wal_replay_pause()');
    await this.waitUntil(
      node,
      `SELECT pg_get_wal_replay_pause_state() = 'paused' AS done`,
      [],
      DEFAULT_WAIT_MS,
    );
  }

  async resumeReplay(node: PostgresLabNode) {
    await this.query(node, 'SELECT pg_wal_replay_resume()');
  }

  async runWriteLoad(options: {
    node: PostgresLabNode;
    seconds: number;
    clients?: number;
  }) {
    const connection = [
      '-h',
      '127.0.0.1',
      '-p',
      String(options.node.port),
      '-U',
      'postgres',
    ];
    const env = { PGPASSWORD: this.superuserPassword };
    if (!this.pgbenchInitialized) {
      await this.run(
        'pgbench',
        ['-i', '-q', '-s', '1', ...connection, 'postgres'],
        env,
      );
      this.pgbenchInitialized = true;
    }
    const clients = String(options.clients ?? 4);
    await this.run(
      'pgbench',
      [
        '-c',
        clients,
        '-j',
        '2',
        '-T',
        String(options.seconds),
        ...connection,
        'postgres',
      ],
      env,
    );
  }

  async waitForStreaming(
    options: {
      primary?: PostgresLabNode;
      standby?: PostgresLabNode;
      timeoutMs?: number;
    } = {},
  ) {
    const { primary = this.primary, standby = this.standby } = options;
    await this.waitUntil(
      primary,
      `SELECT EXISTS (SELECT 1 FROM pg_stat_replication
                       WHERE application_name = $1 AND state = 'streaming') AS done`,
      [standby.name],
      options.timeoutMs ?? DEFAULT_WAIT_MS,
    );
  }

  async waitForCatchUp(
    options: {
      primary?: PostgresLabNode;
      standby?: PostgresLabNode;
      timeoutMs?: number;
    } = {},
  ) {
    const { primary = this.primary, standby = this.standby } = options;
    const [{ lsn }] = await this.query<{ lsn: string }>(
      primary,
      'SELECT pg_current_wal_lsn()::text AS lsn',
    );
    await this.waitUntil(
      primary,
      `SELECT EXISTS (SELECT 1 FROM pg_stat_replication
                       WHERE application_name = $1 AND replay_lsn >= $2::pg_lsn) AS done`,
      [standby.name, lsn],
      options.timeoutMs ?? DEFAULT_WAIT_MS,
    );
  }

  async rewindAsStandby(node: PostgresLabNode, primary: PostgresLabNode) {
    if (fs.existsSync(path.join(node.dataDir, 'postmaster.pid'))) {
      await this.stopNode(node, 'fast');
    }
    // pg_rewind after a fresh promotion must see its end-of-recovery checkpoint
    await this.query(primary, 'CHECKPOINT');
    await this.run(
      'pg_rewind',
      [
        `--target-pgdata=${node.dataDir}`,
        `--source-server=host=127.0.0.1 port=${primary.port} user=postgres dbname=postgres`,
      ],
      { PGPASSWORD: this.superuserPassword },
    );
    await this.query(
      primary,
      `SELECT pg_create_physical_replication_slot($1)
        WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
      [node.name],
    );
    const standbySignal = path.join(node.dataDir, 'standby.signal');
    fs.writeFileSync(standbySignal, '');
    if (isRoot()) {
      const { uid, gid } = osUser(POSTGRES_OS_USER);
      fs.chownSync(standbySignal, uid, gid);
    }
    fs.appendFileSync(
      path.join(node.dataDir, 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=replicator password=${this.replicationPassword} application_name=${node.name}'
primary_slot_name = '${node.name}'
`,
    );
    await this.startNode(node);
    await this.waitForStreaming({ primary, standby: node });
  }

  pidsOf(node: PostgresLabNode): number[] {
    const pid = postmasterPid(node.dataDir);
    if (!pid || !isAlive(pid)) {
      return [];
    }
    return [pid, ...childPids(pid).filter(isAlive)];
  }

  freeze(node: PostgresLabNode) {
    const pids = this.pidsOf(node);
    if (pids.length === 0) {
      throw new Error(`${node.name} is not running: nothing to freeze`);
    }
    // the postmaster first, so that it forks no child that would escape
    for (const pid of pids) {
      signal(pid, 'SIGSTOP');
    }
  }

  thaw(node: PostgresLabNode) {
    for (const pid of this.pidsOf(node).reverse()) {
      signal(pid, 'SIGCONT');
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const node of this.nodes) {
        this.thaw(node); // a frozen node cannot stop
      }
      for (const node of this.nodes) {
        if (fs.existsSync(path.join(node.dataDir, 'postmaster.pid'))) {
          await this.stopNode(node, 'immediate').catch(() => {});
        }
      }
      this.killSync();
      process.removeListener('exit', this.killOnExit);
    })();
    return this.stopping;
  }

  /** Kills whatever postmaster is left and removes the directory; synchronous so it can run on exit. */
  private killSync() {
    for (const node of this.nodes) {
      for (const pid of this.pidsOf(node)) {
        signal(pid, 'SIGKILL');
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private node(name: string, port: number): PostgresLabNode {
    const url = (user: string, password: string) =>
      `postgresql://${user}:${password}@127.0.0.1:${port}/postgres`;
    const node = {
      name,
      port,
      dataDir: path.join(this.dir, name),
      monitoringConnectionString: url('meridian', this.monitoringPassword),
      superuserConnectionString: url('postgres', this.superuserPassword),
      applicationConnectionString: url('app', this.applicationPassword),
    };
    this.nodes.push(node);
    return node;
  }

  private async initdb(node: PostgresLabNode) {
    const passwordFile = path.join(this.dir, 'superuser-password');
    fs.writeFileSync(passwordFile, this.superuserPassword, { mode: 0o600 });
    if (isRoot()) {
      const { uid, gid } = osUser(POSTGRES_OS_USER);
      fs.chownSync(passwordFile, uid, gid);
    }
    await this.run('initdb', [
      '-D',
      node.dataDir,
      '-U',
      'postgres',
      `--pwfile=${passwordFile}`,
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
    ]);
    fs.rmSync(passwordFile);
    // Shared by both nodes: pg_basebackup copies it to the standby.
    fs.appendFileSync(
      path.join(node.dataDir, 'postgresql.conf'),
      `
listen_addresses = '127.0.0.1'
unix_socket_directories = '${this.socketDir}'
wal_level = ${this.walLevel}
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
wal_receiver_status_interval = '1s'
# pg_rewind (failover tests) needs it
wal_log_hints = on
# tests kill processes, not the machine
fsync = off
wal_keep_size = '32MB'
min_wal_size = '32MB'
max_wal_size = '64MB'
# bounds what a stopped standby's slot retains; makes safe_wal_size non-NULL
max_slot_wal_keep_size = '256MB'
shared_buffers = '32MB'
`,
    );
    fs.writeFileSync(
      path.join(node.dataDir, 'pg_hba.conf'),
      `local all all trust
local replication all trust
host all all 127.0.0.1/32 scram-sha-256
host replication replicator 127.0.0.1/32 scram-sha-256
`,
    );
  }

  private async waitUntil(
    node: PostgresLabNode,
    sql: string,
    params: unknown[],
    timeoutMs: number,
  ) {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const [row] = await this.query<{ done: boolean }>(node, sql, params);
        if (row?.done) {
          return;
        }
      } catch (error) {
        lastError = error; // the node may still be starting
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out after ${timeoutMs} ms on ${node.name} waiting for: ${sql}${
            lastError ? ` (last error: ${lastError})` : ''
          }`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  /** Runs a PostgreSQL binary, as the postgres OS user when we are root. */
  private async run(
    binary: string,
    args: string[],
    env: Record<string, string> = {},
  ) {
    const file = path.join(this.binDir, binary);
    const [command, commandArgs] = isRoot()
      ? ['runuser', ['-u', POSTGRES_OS_USER, '--', file, ...args]]
      : [file, args];
    try {
      await execFileAsync(command, commandArgs, {
        cwd: this.dir, // the postgres user may not be able to enter ours
        env: { ...process.env, LC_ALL: 'C', ...env },
      });
    } catch (error) {
      const { stderr = '', stdout = '' } = error as {
        stderr?: string;
        stdout?: string;
      };
      throw new Error(
        `${binary} ${args.join(' ')} failed: ${
          stderr || stdout || error
        }${this.logTails()}`,
      );
    }
  }

  private logTails(): string {
    return logTails(this.nodes.map(node => `${node.dataDir}.log`));
  }
}

/**
 * Starts a primary and a hot standby streaming from it (about 3 s). The
 * caller must `stop()` it, typically in `afterAll`; if starting fails, what
 * was started is torn down before the error is thrown.
 */
export async function startPostgresPair(
  options: PostgresPairOptions = {},
): Promise<PostgresPair> {
  const [primaryName, standbyName] = options.names ?? ['node1', 'node2'];
  for (const name of [primaryName, standbyName]) {
    if (!/^[a-z0-9_]+$/.test(name)) {
      throw new Error(
        `Node name "${name}" must be lowercase letters, digits and _`,
      );
    }
  }
  const binDir = options.binDir ?? DEFAULT_BIN_DIR;
  if (!fs.existsSync(path.join(binDir, 'initdb'))) {
    throw new Error(
      `PostgreSQL binaries not found in ${binDir}; install PostgreSQL 15 or pass binDir`,
    );
  }

  const lab = new PostgresLab(binDir, options.logical ? 'logical' : 'replica');
  try {
    await lab.init(primaryName, standbyName);
    return lab;
  } catch (error) {
    await lab.stop();
    throw error;
  }
}

/** The last lines of each log file that exists, to explain a failed start. */
export function logTails(files: string[]): string {
  return files
    .filter(file => fs.existsSync(file))
    .map(
      file =>
        `\n--- ${path.basename(file)}\n${fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .slice(-15)
          .join('\n')}`,
    )
    .join('');
}

/** Whether this process runs as root (PostgreSQL refuses to). */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The uid and gid of an OS user, from /etc/passwd. */
export function osUser(name: string): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find(entry => entry.startsWith(`${name}:`));
  if (!line) {
    throw new Error(
      `Running as root needs an OS user "${name}" to run PostgreSQL (useradd ${name})`,
    );
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The pids of a process's children, from /proc. */
export function childPids(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Whether the process runs (a killed one lingers as a zombie until reaped). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name);
  } catch {
    // gone meanwhile
  }
}

/** The pid of the postmaster running on `dataDir`, from its postmaster.pid. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const [first] = fs
      .readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8')
      .split('\n');
    return Number(first) || undefined;
  } catch {
    return undefined;
  }
}
