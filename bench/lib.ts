/*
 * What the benchmarks share: scratch databases on both engines the plugin
 * supports, timing with percentiles, and a logger that prints nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
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
