// A warm session doing one read vs pool.query on a raw pg.Pool: latency, client CPU, round trips.
import { sql } from 'drizzle-orm';
import type { Database } from '../../lib/db';
import type { TestDatabase } from '../../test/support/postgres';
import { figure, type Figure } from '../support/figures';
import { scaled } from '../support/measure';
import { aaControl, controlFigure, medianFigure } from '../support/compare';
import { summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';
import { layerRead, rawRead } from '../drivers/workload';
import { compareInRounds, roundTripsPerCall, standardComparison } from './open';

const drizzleRead = (db: Database<Record<string, unknown>>) => () => db.session((s) => s.db.execute(sql`select 1`));

export async function sessionRead(tdb: TestDatabase, ctx: SuiteContext): Promise<Figure[]> {
  const o = standardComparison(ctx.scale);
  ctx.log(`session read: ${o.iterations} calls per variant in ${o.rounds} rounds, alternating per call`);
  const samples = await compareInRounds(
    tdb,
    ctx,
    ({ db, pool, poolB, dbWithSchema }) => [
      { name: 'raw', run: rawRead(pool) },
      { name: 'raw-b', run: rawRead(poolB) },
      { name: 'session', run: layerRead(db) },
      { name: 'drizzle', run: drizzleRead(db) },
      { name: 'drizzle+schema', run: drizzleRead(dbWithSchema) },
    ],
    o,
  );
  const raw = summarize(samples.raw!.latencyUs);
  const session = summarize(samples.session!.latencyUs);
  const drizzle = summarize(samples.drizzle!.latencyUs);
  const control = aaControl(samples.raw!, samples['raw-b']!);
  const trips = await roundTripsPerCall(tdb, scaled(200, ctx.scale, 10), layerRead, rawRead);
  const vsRaw = (name: string, of: string, goals?: Parameters<typeof medianFigure>[0]['goals']) =>
    medianFigure({ name, value: samples[of]!, baseline: samples.raw!, control, goals });
  return [
    vsRaw('session read: median latency', 'session', [{ on: 'ratio', op: '<=', limit: 1.1 }]),
    controlFigure('session read', samples.raw!, samples['raw-b']!, control),
    figure({ name: 'session read: p95 latency', value: session.p95, baseline: raw.p95, unit: 'us' }),
    // The overhead in absolute terms: the ratio shrinks as the round trip grows (loopback here, a network in the cloud).
    figure({ name: 'session read: added median latency', value: session.median - raw.median, unit: 'us' }),
    // This process's CPU only: what the layer itself costs, whatever the server and the neighbours do.
    figure({ name: 'session read: client CPU per call', value: samples.session!.cpuUsPerCall, baseline: samples.raw!.cpuUsPerCall, unit: 'us' }),
    vsRaw('session read via drizzle execute: median latency', 'drizzle'),
    figure({ name: 'session read via drizzle execute: p95 latency', value: drizzle.p95, baseline: raw.p95, unit: 'us' }),
    // session.db is built per session (first use): with a schema, drizzle's relational config is shared, not rebuilt.
    vsRaw('session read via drizzle execute, validator schema loaded: median latency', 'drizzle+schema'),
    figure({ name: 'session read: round trips', value: trips.layer, baseline: trips.raw, unit: 'round trips', goals: [{ on: 'ratio', op: '==', limit: 1 }] }),
  ];
}
