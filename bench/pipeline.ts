// Suite "pipeline": a unit of k INSERTs as one pipelined round trip (the pg driver's conn.pipeline) against raw
// node-postgres running BEGIN, the statements and COMMIT on a pooled client, both through a TCP proxy adding
// 0.5 ms each way (a 1 ms round trip, as between a Lambda and RDS Proxy) and counted on the wire, in one run.
// Driver level: the session layer does not use pipelines yet (issue 14, part B). The delay proxy is the latency
// dimension's (bench/support/delay-proxy.ts), pinned with the server side.
import pg from 'pg';
import type { DriverConnection } from '../lib/db/driver';
import { PgDriver } from '../lib/db/drivers/pg';
import { PROFILES } from '../lib/db/profiles';
import { startCountingProxy } from '../test/support/counting-proxy';
import { adminQuery, createTestDatabase } from '../test/support/postgres';
import { CREATE_TABLE, DEFAULT_TIMEOUTS, INSERT, LAYER_BEGIN } from './drivers/workload';
import { aaControl, controlFigure, medianFigure } from './support/compare';
import { startDelayProxy } from './support/delay-proxy';
import { figure, type Figure } from './support/figures';
import { interleaved, scaled } from './support/measure';
import { pinServerSide } from './support/pinning';
import { defineSuite } from './support/suite';

const ONE_WAY_MS = 0.5;
const SIZES = [1, 3, 10] as const;
/** Time-ratio goals per batch size (issue 14); 3 is informational. */
const RATIO_GOAL: Record<number, number | undefined> = { 1: 0.4, 10: 0.2 };

export default defineSuite({
  description: 'pipelined units (1 round trip) vs raw pg BEGIN/statements/COMMIT, through a 1 ms round-trip proxy',
  async run(ctx) {
    const tdb = await createTestDatabase('bench_pipeline');
    const server = { host: '127.0.0.1', port: Number(new URL(tdb.url).port) };
    const delay = await startDelayProxy(server, ONE_WAY_MS);
    const wire = await startCountingProxy({ host: '127.0.0.1', port: delay.port });
    const url = wire.route(tdb.url);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const poolB = new pg.Pool({ connectionString: url, max: 1 }); // the A/A control: a second raw client
    let conn: DriverConnection | undefined;
    try {
      await adminQuery(`ALTER DATABASE ${tdb.name} SET synchronous_commit = off`);
      await adminQuery(CREATE_TABLE, [], tdb.name);
      const profile = PROFILES.pgbouncer; // SET LOCAL timeouts in the unit, as the raw side's BEGIN carries them
      conn = await new PgDriver({ url, applicationName: 'bench-pipeline', profile, startupTimeouts: DEFAULT_TIMEOUTS }).connect(5_000);
      const begin = { isolation: undefined, readOnly: false, serverTimeouts: DEFAULT_TIMEOUTS };
      const rows = { rowMode: 'object', rawTemporal: false } as const;
      const ours = conn;
      const figures: Figure[] = [];
      const units = [
        ...SIZES.map((k) => ({
          name: `batch of ${k} INSERT${k > 1 ? 's' : ''}`,
          k,
          ours: () => ours.pipeline!({ begin, statements: Array.from({ length: k }, (_, i) => ({ text: INSERT, params: [i] })), commit: true }, rows),
          raw: () => rawUnit(pool, k),
          rawB: () => rawUnit(poolB, k),
          trips: 1,
          goal: RATIO_GOAL[k],
        })),
        {
          name: 'one-statement interactive transaction',
          k: 1,
          // BEGIN rides with the statement; COMMIT is its own round trip.
          ours: async () => {
            await ours.pipeline!({ begin, statements: [{ text: INSERT, params: [1] }] }, rows);
            await ours.exec('COMMIT');
          },
          raw: () => rawUnit(pool, 1),
          rawB: () => rawUnit(poolB, 1),
          trips: 2,
          goal: 0.7,
        },
      ];
      for (const u of units) {
        // Once each first: the pool's first call opens its connection (a handshake of its own on the wire).
        await u.ours();
        await u.raw();
        const tripsOurs = await counted(wire, u.ours);
        const tripsRaw = await counted(wire, u.raw);
        figures.push(
          figure({ name: `${u.name}: round trips`, value: tripsOurs, baseline: tripsRaw, unit: 'round trips', goals: [{ on: 'value', op: '==', limit: u.trips }] }),
        );
        ctx.log(`${u.name}: timing`);
        const s = await interleaved(
          [
            { name: 'raw', run: u.raw },
            { name: 'raw-b', run: u.rawB },
            { name: 'ours', run: u.ours },
          ],
          { iterations: scaled(400, ctx.scale, 20), warmup: scaled(40, ctx.scale, 5), prepare: () => pinServerSide(tdb.name, [delay.pid]) },
        );
        const control = aaControl(s.raw!, s['raw-b']!);
        const name = `${u.name}: median latency through a ${2 * ONE_WAY_MS} ms round trip`;
        figures.push(
          medianFigure({ name, value: s.ours!, baseline: s.raw!, control, goals: u.goal === undefined ? [] : [{ on: 'ratio', op: '<=', limit: u.goal }] }),
          controlFigure(u.name, s.raw!, s['raw-b']!, control),
        );
      }
      return figures;
    } finally {
      conn?.destroy();
      await pool.end();
      await poolB.end();
      await wire.close();
      await delay.close();
      await tdb.drop();
    }
  },
});

/** What the raw driver does for an atomic unit: BEGIN (with the same SET LOCALs), k statements, COMMIT. */
async function rawUnit(pool: pg.Pool, k: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(LAYER_BEGIN);
    for (let i = 0; i < k; i++) await client.query(INSERT, [i]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

async function counted(wire: { readyForQuery: number }, run: () => Promise<unknown>): Promise<number> {
  const before = wire.readyForQuery;
  await run();
  return wire.readyForQuery - before;
}
