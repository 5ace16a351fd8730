// The two sides of every comparison, on the same database and with the same pool size, and the round-trip count.
import pg from 'pg';
import { createDatabase, type Database } from '../../lib/db';
import * as validatorSchema from '../../lib/validator/schema';
import { PG_HOST, PG_PORT, type TestDatabase } from '../../test/support/postgres';
import { interleaved, mergeRounds, scaled, type Variant, type VariantSamples } from '../support/measure';
import { startCountingProxy } from '../../test/support/counting-proxy';
import { pinServerSide } from '../support/pinning';
import { quietLogger } from '../support/quiet-logger';
import { summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';

export const POOL_SIZE = 2;

export type Sides = {
  /** The layer with its defaults (every timeout on), a quiet logger, and no settings taken from the environment. */
  db: Database;
  /** A raw node-postgres pool of the same size. */
  pool: pg.Pool;
  /** A second raw pool, measured the same way: the A/A control. */
  poolB: pg.Pool;
  /** The layer as the validator creates it: with its drizzle schema (what `session.db` is built from). */
  dbWithSchema: Database<typeof validatorSchema>;
};

type Call = () => Promise<unknown>;

/** Runs fn with both sides connected to `url` (default: the database itself) and closes both after. */
export async function withSides<T>(tdb: TestDatabase, fn: (sides: Sides) => Promise<T>, url = tdb.url): Promise<T> {
  const db = createDatabase({ url, driver: 'pg', applicationName: tdb.applicationName, poolMax: POOL_SIZE, logger: quietLogger, env: {} });
  const pool = new pg.Pool({ connectionString: url, application_name: tdb.applicationName, max: POOL_SIZE });
  const poolB = new pg.Pool({ connectionString: url, application_name: tdb.applicationName, max: POOL_SIZE });
  const dbWithSchema = createDatabase({ url, driver: 'pg', applicationName: tdb.applicationName, poolMax: POOL_SIZE, logger: quietLogger, env: {}, schema: validatorSchema });
  try {
    return await fn({ db, pool, poolB, dbWithSchema });
  } finally {
    await db.close();
    await dbWithSchema.close();
    await pool.end();
    await poolB.end();
  }
}

/**
 * Round trips one call of each side costs on a warm connection, counted as the server's ReadyForQuery
 * messages through a counting proxy of its own.
 */
export async function roundTripsPerCall(
  tdb: TestDatabase,
  calls: number,
  layer: (db: Database) => Call,
  raw: (pool: pg.Pool) => Call,
): Promise<{ layer: number; raw: number }> {
  const proxy = await startCountingProxy({ host: PG_HOST, port: PG_PORT });
  const count = async (run: Call) => {
    for (let i = 0; i < 5; i++) await run();
    const before = proxy.readyForQuery;
    for (let i = 0; i < calls; i++) await run();
    return (proxy.readyForQuery - before) / calls;
  };
  try {
    return await withSides(tdb, async ({ db, pool }) => ({ layer: await count(layer(db)), raw: await count(raw(pool)) }), proxy.route(tdb.url));
  } finally {
    await proxy.close();
  }
}

export type CompareOptions = {
  /** Measured calls per variant over all rounds. */
  iterations: number;
  /** Rounds, each on fresh connections (pinned afresh): a placement the pinning could not fix stays one round's. */
  rounds: number;
  /** Unmeasured calls per variant at the start of each round. */
  warmup: number;
};

/**
 * Latency of the variants alternating per call (the first one the raw baseline), over several rounds, every backend
 * pinned after each round's warm-up; logs each round's ratios.
 */
export async function compareInRounds(
  tdb: TestDatabase,
  ctx: SuiteContext,
  variants: (sides: Sides) => Variant[],
  o: CompareOptions,
): Promise<Record<string, VariantSamples>> {
  const perRound = Math.max(1, Math.round(o.iterations / o.rounds));
  const rounds: Record<string, VariantSamples>[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const samples = await withSides(tdb, (sides) =>
      interleaved(variants(sides), { iterations: perRound, warmup: o.warmup, prepare: () => pinServerSide(tdb.name) }),
    );
    const [base, ...others] = Object.entries(samples);
    const baseMedian = summarize(base![1].latencyUs).median;
    ctx.log(`  round ${r + 1}/${o.rounds}: median ratio ${others.map(([n, v]) => `${n} ${(summarize(v.latencyUs).median / baseMedian).toFixed(3)}`).join(', ')}`);
    rounds.push(samples);
  }
  return mergeRounds(rounds);
}

/** The standard comparison: 5,000 measured calls per variant in 5 rounds, alternating per call. */
export function standardComparison(scale: number): CompareOptions {
  return { iterations: scaled(5_000, scale, 20), rounds: 5, warmup: scaled(250, scale, 5) };
}
