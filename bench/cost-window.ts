/*
 * Measures how fast the regions backend reads region costs over a realistic
 * amount of data, on PostgreSQL and on SQLite.
 *
 * It stores, through the collector's own write path, the daily costs of
 * BENCH_REGIONS regions of 3 clusters each for the 460 days the collector
 * keeps; then it runs the reads of GET /regions/:namespace/:name/cost (the
 * window, the window before it and the month's totals) for each window, and
 * the read of GET /costs (every region's month), and prints p50 and p95.
 *
 * Run from the repository root:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/cost-window.ts
 *
 * Environment: BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432;
 * empty to skip), BENCH_REGIONS (100), BENCH_RUNS (50).
 */
import { performance } from 'node:perf_hooks';
import {
  COST_WINDOWS,
  emptyCostBreakdown,
} from '@meridian/plugin-regions-common';
import { ClusterCostDay } from '@meridian/plugin-regions-node';
import { Knex } from 'knex';
import { CostStore } from '../plugins/regions-backend/src/database/CostStore';
import {
  monthDays,
  windowDays,
} from '../plugins/regions-backend/src/collectors/cost/costReport';
import { databaseOf, onEachEngine, percentile, time } from './lib';

const REGIONS = Number(process.env.BENCH_REGIONS ?? 100);
const CLUSTERS = 3;
const DAYS = 460;
const DAY_MS = 86_400_000;

const now = new Date();
const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;

function clusterDays(): ClusterCostDay[] {
  const days: ClusterCostDay[] = [];
  for (let d = DAYS - 1; d >= 0; d--) {
    const date = new Date(today - d * DAY_MS).toISOString().slice(0, 10);
    for (let c = 0; c < CLUSTERS; c++) {
      const breakdown = emptyCostBreakdown();
      breakdown.cpu = 50 + Math.random() * 50;
      breakdown.ram = 20 + Math.random() * 20;
      breakdown.storage = 5;
      breakdown.idle = 10 * Math.random();
      days.push({
        date,
        cluster: `cluster-${c}`,
        breakdown,
        total:
          breakdown.cpu + breakdown.ram + breakdown.storage + breakdown.idle,
        cpuCoreUsageMinutes: 5 * 1440,
        cpuCoreRequestMinutes: 10 * 1440,
        ramByteUsageMinutes: 8e9 * 1440,
        ramByteRequestMinutes: 1e10 * 1440,
      });
    }
  }
  return days;
}

async function timed(label: string, read: () => Promise<unknown>) {
  const times = await time(read);
  console.log(
    `${label}  p50=${percentile(times, 0.5)} ms  p95=${percentile(
      times,
      0.95,
    )} ms`,
  );
}

async function measure(engine: string, knex: Knex) {
  const store = await CostStore.create({ database: databaseOf(knex) });
  const started = performance.now();
  const days = clusterDays();
  for (let r = 0; r < REGIONS; r++) {
    await store.writeObservation({
      regionRef: `region:default/bench-${r}`,
      source: 'bench',
      from: days[0].date,
      to: days[days.length - 1].date,
      observation: {
        clusters: ['cluster-0', 'cluster-1', 'cluster-2'],
        days,
        idleEstimated: false,
      },
      collectedAt: now,
    });
  }
  console.log(
    `${engine}: stored ${(REGIONS * days.length).toLocaleString(
      'en',
    )} rows (${REGIONS} regions × ${CLUSTERS} clusters × ${DAYS} days) in ${(
      (performance.now() - started) /
      1000
    ).toFixed(1)} s`,
  );
  const ref = 'region:default/bench-0';
  const month = monthDays(now);
  for (const window of COST_WINDOWS) {
    const span = windowDays(window, now);
    await timed(`${engine}  /cost?window=${window.padEnd(3)}`, () =>
      Promise.all([
        store.getDays(ref, span.from, span.to),
        store.getDays(ref, span.previousFrom, span.previousTo),
        store.getTotals(month.from, month.to),
        store.getState(ref),
      ]),
    );
  }
  await timed(`${engine}  /costs            `, () =>
    Promise.all([store.getTotals(month.from, month.to), store.getStates()]),
  );
}

onEachEngine(measure).catch(error => {
  console.error(error);
  process.exitCode = 1;
});
