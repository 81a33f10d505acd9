/*
 * What the benchmarks share: scratch databases on both engines the plugin
 * supports, timing with percentiles, the topology route's timing, and a
 * logger that prints nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';

/** The server scratch databases are made on; empty to bench SQLite only. */
const POSTGRES =
  process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';

/** How many timed reads each figure is made of. */
export const RUNS = Number(process.env.BENCH_RUNS ?? 50);

/** A knex client as the plugin's database service hands it out, migrations on. */
export function databaseOf(knex: Knex): DatabaseService {
  return { getClient: async () => knex, migrations: { skip: false } };
}

/**
 * Runs `measure` on a scratch PostgreSQL database (unless BENCH_POSTGRES is
 * empty), then on a scratch SQLite file, dropping each afterwards.
 */
export async function onEachEngine(
  measure: (engine: 'postgres' | 'sqlite', knex: Knex) => Promise<void>,
) {
  if (POSTGRES) {
    const scratch = `meridian_bench_${process.pid}`;
    const admin = knexFactory({ client: 'pg', connection: POSTGRES });
    await admin.raw(`create database ${scratch}`);
    const url = new URL(POSTGRES);
    url.pathname = `/${scratch}`;
    const knex = knexFactory({ client: 'pg', connection: url.toString() });
    try {
      await measure('postgres', knex);
    } finally {
      await knex.destroy();
      await admin.raw(`drop database ${scratch}`);
      await admin.destroy();
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'regions.sqlite') },
    useNullAsDefault: true,
  });
  try {
    await measure('sqlite', knex);
  } finally {
    await knex.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` once to warm up, then RUNS times; the durations in ms, sorted. */
export async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

/** The p-quantile of sorted durations, to one decimal. */
export function percentile(sorted: number[], p: number): string {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)
  ].toFixed(1);
}

/** The services log nothing the benchmarks measure. */
export const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
};

/** The size of the topology answer and its timings, in ms, sorted. */
export type TopologyTiming = {
  bytes: number;
  answered: number[];
  parsed: number[];
};

/**
 * GET /api/regions/topology of the backend on `port`, timed RUNS times: until
 * the answer's last byte, which the goal counts (a browser parses the JSON in
 * its own process), and again with the JSON parsed here, which in a bench is
 * the backend's process. `regions` is how many regions the answer holds.
 */
export function timeTopology(port: number) {
  const answer = () =>
    fetch(`http://127.0.0.1:${port}/api/regions/topology`, {
      headers: { authorization: mockCredentials.user.header() },
    }).then(r => r.arrayBuffer());
  const parsed = async () =>
    JSON.parse(Buffer.from(await answer()).toString('utf8'));
  return {
    regions: async (): Promise<number | undefined> =>
      (await parsed()).regions?.length,
    time: async (): Promise<TopologyTiming> => ({
      bytes: (await answer()).byteLength,
      answered: await time(answer),
      parsed: await time(parsed),
    }),
  };
}

/** The figures of {@link timeTopology}'s timing, in one line. */
export function topologyFigures(figures: TopologyTiming): string {
  const { bytes, answered, parsed } = figures;
  return `(${(bytes / 1e6).toFixed(
    1,
  )} MB), until the last byte: p50 ${percentile(
    answered,
    0.5,
  )} ms, p95 ${percentile(
    answered,
    0.95,
  )} ms (goal p95 ≤ 100 ms); with the client's JSON.parse in the backend's process: p50 ${percentile(
    parsed,
    0.5,
  )} ms, p95 ${percentile(parsed, 0.95)} ms`;
}
