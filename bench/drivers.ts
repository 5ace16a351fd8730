// Suite "drivers": the database layer on each driver against the raw client library on the same transport, in
// the same run: pg direct, pg through PgBouncer, neon-ws through the local wsproxy, neon-http through the local
// SQL-over-HTTP endpoint, the Data API through the local endpoint. Writes are also run by the raw client sending
// what the layer adds (its timeouts), which splits the layer's extra latency into the transport's share and its own
// code's. BENCH_DRIVERS=pg,neon-ws runs only those targets.
import { benchTarget } from './drivers/bench-target';
import { dataApi } from './drivers/data-api';
import { neonHttp } from './drivers/neon-http';
import { neonWs } from './drivers/neon-ws';
import { pgbouncer, pgDirect } from './drivers/pg';
import type { DriverTarget } from './drivers/target';
import { defineSuite } from './support/suite';

const TARGETS: readonly DriverTarget[] = [pgDirect, pgbouncer, neonWs, neonHttp, dataApi];

export default defineSuite({
  description: 'lib/db per driver vs its raw client on the same transport: session read, write, round trips / requests / calls',
  async run(ctx) {
    const figures = [];
    for (const t of selected(process.env.BENCH_DRIVERS)) figures.push(...(await benchTarget(t, ctx)));
    return figures;
  },
});

function selected(list: string | undefined): readonly DriverTarget[] {
  if (!list) return TARGETS;
  const names = list.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length > 0) throw new Error(`BENCH_DRIVERS: unknown ${unknown.join(', ')}; known: ${TARGETS.map((t) => t.name).join(', ')}`);
  return TARGETS.filter((t) => names.includes(t.name));
}
