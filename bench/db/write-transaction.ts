// A short write transaction with every server-side timeout set (BEGIN + SET LOCAL in one round trip)
// vs BEGIN; INSERT; COMMIT on a raw pg client: latency, client CPU, round trips.
import type pg from 'pg';
import type { Database } from '../../lib/db';
import type { TestDatabase } from '../../test/support/postgres';
import { figure, type Figure } from '../support/figures';
import { scaled } from '../support/measure';
import { summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';
import { compareInRounds, roundTripsPerCall, standardComparison } from './open';

const INSERT = 'INSERT INTO bench_items (v) VALUES ($1)';
/** One statement + BEGIN + COMMIT. */
const EXPECTED_ROUND_TRIPS = 3;

const layerWrite = (db: Database) => () => db.session((s) => s.transaction((tx) => tx.query(INSERT, [1])));

const rawWrite = (pool: pg.Pool) => async () => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(INSERT, [1]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
};

export async function writeTransaction(tdb: TestDatabase, ctx: SuiteContext): Promise<Figure[]> {
  const o = standardComparison(ctx.scale);
  ctx.log(`write transaction: ${o.iterations} transactions per variant in ${o.rounds} rounds of interleaved blocks`);
  const samples = await compareInRounds(
    tdb,
    ctx,
    ({ db, pool }) => [
      { name: 'raw', run: rawWrite(pool) },
      { name: 'layer', run: layerWrite(db) },
    ],
    o,
  );
  const raw = summarize(samples.raw!.latencyUs);
  const layer = summarize(samples.layer!.latencyUs);
  const trips = await roundTripsPerCall(tdb, scaled(200, ctx.scale, 10), layerWrite, rawWrite);
  return [
    figure({ name: 'write transaction: median latency', value: layer.median, baseline: raw.median, unit: 'us', goals: [{ on: 'ratio', op: '<=', limit: 1.1 }] }),
    figure({ name: 'write transaction: p95 latency', value: layer.p95, baseline: raw.p95, unit: 'us' }),
    figure({ name: 'write transaction: added median latency', value: layer.median - raw.median, unit: 'us' }),
    figure({ name: 'write transaction: client CPU per call', value: samples.layer!.cpuUsPerCall, baseline: samples.raw!.cpuUsPerCall, unit: 'us' }),
    figure({
      name: 'write transaction: round trips (1 INSERT)',
      value: trips.layer,
      baseline: trips.raw,
      unit: 'round trips',
      goals: [
        { on: 'value', op: '==', limit: EXPECTED_ROUND_TRIPS },
        { on: 'baseline', op: '==', limit: EXPECTED_ROUND_TRIPS },
      ],
    }),
  ];
}
