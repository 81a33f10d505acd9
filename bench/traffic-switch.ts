/*
 * Measures the traffic-switch share of a failover's RTO with a real PowerDNS:
 * how long `switchTo` takes (one rrset REPLACE through the HTTP API), how long
 * until a DNS query to the server answers the new address, and how long
 * `current()` takes to read it back (the verify step). Alternates the record
 * between two addresses and prints p50, p95 and max of each.
 *
 * Run from the repository root (needs pdns-server, pdns-backend-sqlite3 and
 * sqlite3: scripts/test.sh installs them):
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/traffic-switch.ts
 *
 * Environment: BENCH_RUNS (100).
 */
import { ConfigReader } from '@backstage/config';
import { FailoverStepContext } from '@meridian/plugin-regions-node';
import { promises as dns } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { powerDnsTrafficSwitchFactory } from '../plugins/regions-backend/src/failover/traffic/PowerDnsTrafficSwitch';
import { startPowerDns } from '../plugins/regions-backend/src/testing/powerDnsLab';

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const ADDRESSES = ['10.48.0.10', '10.49.0.10'];
const RECORD = 'api.meridian.test';

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `${label.padEnd(34)} p50 ${at(0.5)
    .toFixed(1)
    .padStart(6)} ms   p95 ${at(0.95).toFixed(1).padStart(6)} ms   max ${sorted[
    sorted.length - 1
  ]
    .toFixed(1)
    .padStart(6)} ms`;
}

async function main() {
  const lab = await startPowerDns();
  try {
    await lab.createZone('meridian.test.', [
      { name: `${RECORD}.`, type: 'A', content: ADDRESSES[0] },
    ]);
    const trafficSwitch = powerDnsTrafficSwitchFactory.create(
      'api-dns',
      new ConfigReader({
        driver: 'powerdns',
        url: lab.apiUrl,
        apiKey: lab.apiKey,
        zone: 'meridian.test.',
        record: RECORD,
        addresses: {
          'region:default/us-east': ADDRESSES[0],
          'region:default/us-west': ADDRESSES[1],
        },
      }),
    );
    const ctx: FailoverStepContext = {
      signal: new AbortController().signal,
      log: () => {},
      ensureLease: async () => {},
    };
    const resolver = new dns.Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${lab.dnsPort}`]);

    const switching: number[] = [];
    const untilAnswered: number[] = [];
    const readBack: number[] = [];
    let queries = 0;
    for (let run = 0; run < RUNS; run++) {
      const address = ADDRESSES[(run + 1) % 2];
      const start = performance.now();
      await trafficSwitch.switchTo(address, ctx);
      switching.push(performance.now() - start);
      for (;;) {
        queries += 1;
        const answer = await resolver.resolve4(RECORD);
        if (answer.length === 1 && answer[0] === address) break;
      }
      untilAnswered.push(performance.now() - start);
      const readStart = performance.now();
      const current = await trafficSwitch.current(ctx);
      readBack.push(performance.now() - readStart);
      if (current[0] !== address) {
        throw new Error(`current() read ${current}, not ${address}`);
      }
    }
    console.log(
      `PowerDNS ${RUNS} switches of ${RECORD} A (${queries} DNS queries)`,
    );
    console.log(summary('switchTo (API PATCH)', switching));
    console.log(summary('switchTo → DNS answers new address', untilAnswered));
    console.log(summary('current() (API read back)', readBack));
  } finally {
    await lab.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
