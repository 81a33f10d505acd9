import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from './ports';

const PDNS_SERVER = '/usr/sbin/pdns_server';
/** The schema Debian's pdns-backend-sqlite3 ships. */
const SQLITE_SCHEMA =
  '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';
const START_TIMEOUT_MS = 15_000;
const POLL_INTERVAL_MS = 50;

/** A record of a zone the lab creates, e.g. `{ name: 'api.meridian.test.', type: 'A', content: '10.48.0.10' }`. */
export interface PowerDnsLabRecord {
  name: string;
  type: string;
  content: string;
  ttl?: number;
}

/**
 * A PowerDNS authoritative server (gsqlite3 backend) with its HTTP API, on
 * free loopback ports, in a temporary directory. Made for tests.
 */
export interface PowerDnsLab {
  /** The API's base URL, e.g. `http://127.0.0.1:41234`. */
  apiUrl: string;
  /** The `X-API-Key` the API accepts. */
  apiKey: string;
  /** The `serverId` of the API paths: always `localhost`. */
  serverId: string;
  /** The UDP and TCP port it answers DNS queries on, at 127.0.0.1. */
  dnsPort: number;
  /** Creates a native zone (`name` absolute, e.g. `meridian.test.`) with records, through the API. */
  createZone(name: string, records: PowerDnsLabRecord[]): Promise<void>;
  /** Freezes the server (SIGSTOP): it accepts connections and answers nothing, like a hung API. */
  freeze(): void;
  /** Resumes a frozen server (SIGCONT). */
  thaw(): void;
  /** Kills the server and removes its directory. Safe to call more than once. */
  stop(): Promise<void>;
}

class Lab implements PowerDnsLab {
  readonly apiUrl: string;
  readonly serverId = 'localhost';
  private exited = false;
  private stopping?: Promise<void>;
  // A crashed test worker skips afterAll: still kill the server on exit.
  private readonly killOnExit = () => this.killSync();

  constructor(
    private readonly dir: string,
    private readonly child: ChildProcess,
    readonly apiKey: string,
    apiPort: number,
    readonly dnsPort: number,
    private readonly logFile: string,
  ) {
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    child.once('exit', () => {
      this.exited = true;
    });
    process.once('exit', this.killOnExit);
  }

  async waitUntilUp() {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (this.exited) {
        throw new Error(
          `pdns_server exited while starting:\n${this.logTail()}`,
        );
      }
      try {
        const response = await fetch(
          `${this.apiUrl}/api/v1/servers/${this.serverId}`,
          { headers: { 'X-API-Key': this.apiKey } },
        );
        if (response.ok && this.logTail().includes('ready to distribute')) {
          return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(
          `pdns_server did not start within ${START_TIMEOUT_MS} ms:\n${this.logTail()}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  async createZone(name: string, records: PowerDnsLabRecord[]) {
    const rrsets = new Map<
      string,
      { name: string; type: string; ttl: number; records: object[] }
    >();
    for (const record of records) {
      const key = `${record.name}/${record.type}`;
      const rrset = rrsets.get(key) ?? {
        name: record.name,
        type: record.type,
        ttl: record.ttl ?? 30,
        records: [],
      };
      rrset.records.push({ content: record.content, disabled: false });
      rrsets.set(key, rrset);
    }
    const response = await fetch(
      `${this.apiUrl}/api/v1/servers/${this.serverId}/zones`,
      {
        method: 'POST',
        headers: {
          'X-API-Key': this.apiKey,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          name,
          kind: 'Native',
          nameservers: [`ns1.${name}`],
          rrsets: [...rrsets.values()],
        }),
      },
    );
    if (response.status !== 201) {
      throw new Error(
        `creating zone ${name} answered HTTP ${
          response.status
        }: ${await response.text()}`,
      );
    }
  }

  freeze() {
    this.child.kill('SIGSTOP');
  }

  thaw() {
    if (!this.exited) {
      this.child.kill('SIGCONT');
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.thaw(); // a frozen server cannot stop on SIGTERM
      if (!this.exited) {
        const exited = new Promise(resolve => this.child.once('exit', resolve));
        this.child.kill('SIGTERM');
        await Promise.race([
          exited,
          new Promise(resolve => setTimeout(resolve, 3000)),
        ]);
      }
      this.killSync();
      process.removeListener('exit', this.killOnExit);
    })();
    return this.stopping;
  }

  private killSync() {
    if (!this.exited) {
      this.child.kill('SIGKILL');
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private logTail(): string {
    try {
      return fs
        .readFileSync(this.logFile, 'utf8')
        .split('\n')
        .slice(-15)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/**
 * Starts `pdns_server` in the foreground as the current user (about 0.3 s):
 * no port below 1024, no setuid, nothing outside its temporary directory. The
 * caller must `stop()` it, typically in `afterAll`.
 */
export async function startPowerDns(): Promise<PowerDnsLab> {
  if (!fs.existsSync(PDNS_SERVER) || !fs.existsSync(SQLITE_SCHEMA)) {
    throw new Error(
      `PowerDNS is not installed (${PDNS_SERVER}, ${SQLITE_SCHEMA}): run scripts/test.sh, or apt-get install pdns-server pdns-backend-sqlite3 sqlite3`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-pdns-'));
  const apiKey = randomBytes(16).toString('hex');
  const [dnsPort, apiPort] = [await findFreePort(), await findFreePort()];
  const database = path.join(dir, 'pdns.sqlite3');
  execFileSync('sqlite3', [database], {
    input: fs.readFileSync(SQLITE_SCHEMA),
  });
  fs.writeFileSync(
    path.join(dir, 'pdns.conf'),
    `launch=gsqlite3
gsqlite3-database=${database}
local-address=127.0.0.1:${dnsPort}
api=yes
api-key=${apiKey}
webserver=yes
webserver-address=127.0.0.1
webserver-port=${apiPort}
webserver-allow-from=127.0.0.1
daemon=no
guardian=no
disable-syslog=yes
socket-dir=${dir}
loglevel=4
enable-lua-records=yes
`,
  );

  const logFile = path.join(dir, 'pdns.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(PDNS_SERVER, [`--config-dir=${dir}`], {
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const lab = new Lab(dir, child, apiKey, apiPort, dnsPort, logFile);
  try {
    await lab.waitUntilUp();
  } catch (error) {
    await lab.stop();
    throw error;
  }
  return lab;
}
