import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { region } from '../__testUtils__/region';
import { OpenCostCostSource } from '../collectors/cost/OpenCostCostSource';
import { demoClustersOf, startDemoOpenCost } from './demoOpenCost';

const DAY_MS = 86_400_000;
const now = new Date('2026-11-20T12:00:00.000Z');

const regions = [
  region('us-east', { budget: { monthly: 3000, currency: 'USD' } }),
  region('render', {
    budget: { monthly: 9000, currency: 'USD' },
    capabilities: ['gpu-render'],
  }),
  region(
    'split',
    { budget: { monthly: 2000, currency: 'USD' } },
    { annotations: { 'meridian.dev/opencost-clusters': 'split-a, split-b' } },
  ),
];

describe('the demo OpenCost', () => {
  let server: Awaited<ReturnType<typeof startDemoOpenCost>>;
  let source: OpenCostCostSource;

  beforeAll(async () => {
    server = await startDemoOpenCost({
      clusters: demoClustersOf(regions),
      clock: () => now,
    });
    source = OpenCostCostSource.fromConfig(
      new ConfigReader({ regions: { opencost: { baseUrl: server.url } } }),
      { logger: mockServices.logger.mock() },
    )!;
  });

  afterAll(() => server?.close());

  const read = (name: string, from: string, to: string) =>
    source.read(regions.find(r => r.metadata.name === name)!, {
      from: new Date(from),
      to: new Date(to),
      signal: new AbortController().signal,
    });

  it('answers what the real OpenCost source reads: every day of each cluster, adding up, near the budget', async () => {
    const month = await read(
      'us-east',
      '2026-11-01T00:00:00Z',
      '2026-11-21T00:00:00Z',
    );
    // 19 full days and half of today
    expect(month.days.map(d => d.date)).toHaveLength(20);
    expect(month.days[19].date).toBe('2026-11-20');
    const total = month.days.reduce((sum, d) => sum + d.total, 0);
    // 19.5 days of a month within 0.8–1.12 of 3000, ±15 % a day
    expect(total).toBeGreaterThan(((3000 * 0.8) / 30) * 19.5 * 0.75);
    expect(total).toBeLessThan(((3000 * 1.12) / 30) * 19.5 * 1.15);
    for (const day of month.days) {
      expect(day.breakdown.gpu).toBe(0);
      expect(day.cpuCoreUsageMinutes).toBeLessThan(day.cpuCoreRequestMinutes);
    }
    expect(month.days[19].total).toBeLessThan(month.days[18].total * 0.7);

    const gpu = await read(
      'render',
      '2026-11-01T00:00:00Z',
      '2026-11-02T00:00:00Z',
    );
    expect(gpu.days[0].breakdown.gpu).toBeGreaterThan(0);
  });

  it('is deterministic, answers nothing ahead of now, and serves a region of several clusters', async () => {
    const first = await read(
      'us-east',
      '2026-11-01T00:00:00Z',
      '2026-11-03T00:00:00Z',
    );
    await new Promise(resolve => setTimeout(resolve, 10));
    const again = await read(
      'us-east',
      '2026-11-01T00:00:00Z',
      '2026-11-03T00:00:00Z',
    );
    expect(again.days.map(d => d.total)).toEqual(first.days.map(d => d.total));

    const ahead = await read(
      'us-east',
      '2026-11-19T00:00:00Z',
      new Date(now.getTime() + 3 * DAY_MS).toISOString(),
    );
    expect(ahead.days.map(d => d.date)).toEqual(['2026-11-19', '2026-11-20']);

    const split = await read(
      'split',
      '2026-11-01T00:00:00Z',
      '2026-11-02T00:00:00Z',
    );
    expect(split.clusters).toEqual(['split-a', 'split-b']);
    expect(split.days.map(d => d.cluster).sort()).toEqual([
      'split-a',
      'split-b',
    ]);
    expect(split.idleEstimated).toBe(false);
  });

  it('refuses a window that is not an RFC3339 pair, as OpenCost answers it', async () => {
    const response = await fetch(`${server.url}/allocation/compute?window=7d`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/window "7d" is not an RFC3339 pair/);
  });
});
