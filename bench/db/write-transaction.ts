// A short write transaction with every server-side timeout set (BEGIN + SET LOCAL in one round trip)
// vs BEGIN; INSERT; COMMIT on a raw pg client: latency, client CPU, round trips.
import type { TestDatabase } from '../../test/support/postgres';
import { figure, type Figure } from '../support/figures';
import { scaled } from '../support/measure';
import { aaControl, controlFigure, medianFigure } from '../support/compare';
import { summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';
import { layerWrite, rawWrite, STATEMENTS_PLUS_TWO } from '../drivers/workload';
import { compareInRounds, roundTripsPerCall, standardComparison } from './open';

export async function writeTransaction(tdb: TestDatabase, ctx: SuiteContext): Promise<Figure[]> {
  const o = standardComparison(ctx.scale);
  ctx.log(`write transaction: ${o.iterations} transactions per variant in ${o.rounds} rounds, alternating per call`);
  const samples = await compareInRounds(
    tdb,
    ctx,
    ({ db, pool, poolB }) => [
      { name: 'raw', run: rawWrite(pool) },
      { name: 'raw-b', run: rawWrite(poolB) },
      { name: 'layer', run: layerWrite(db) },
    ],
    o,
  );
  const raw = summarize(samples.raw!.latencyUs);
  const layer = summarize(samples.layer!.latencyUs);
  const control = aaControl(samples.raw!, samples['raw-b']!);
  const trips = await roundTripsPerCall(tdb, scaled(200, ctx.scale, 10), layerWrite, rawWrite);
  return [
    medianFigure({ name: 'write transaction: median latency', value: samples.layer!, baseline: samples.raw!, control, goals: [{ on: 'ratio', op: '<=', limit: 1.1 }] }),
    controlFigure('write transaction', samples.raw!, samples['raw-b']!, control),
    figure({ name: 'write transaction: p95 latency', value: layer.p95, baseline: raw.p95, unit: 'us' }),
    figure({ name: 'write transaction: added median latency', value: layer.median - raw.median, unit: 'us' }),
    figure({ name: 'write transaction: client CPU per call', value: samples.layer!.cpuUsPerCall, baseline: samples.raw!.cpuUsPerCall, unit: 'us' }),
    figure({
      name: 'write transaction: round trips (1 INSERT)',
      value: trips.layer,
      baseline: trips.raw,
      unit: 'round trips',
      goals: [
        { on: 'value', op: '==', limit: STATEMENTS_PLUS_TWO },
        { on: 'baseline', op: '==', limit: STATEMENTS_PLUS_TWO },
      ],
    }),
  ];
}
