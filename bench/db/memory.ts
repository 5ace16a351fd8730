// Heap after 100k sessions vs after a 10k warm-up, next to the same loop of raw pool.query calls.
// Figure: heap growth in MB (layer = value, raw = baseline). The ratio is given only when the raw growth is
// above 1 MB; below that it is noise, and a ratio of two noises would mislead.
import type { TestDatabase } from '../../test/support/postgres';
import { figure, type Figure } from '../support/figures';
import { MB, settledHeapUsed } from '../support/heap';
import { scaled } from '../support/measure';
import type { SuiteContext } from '../support/suite';
import { withSides } from './open';

export async function sessionMemory(tdb: TestDatabase, ctx: SuiteContext): Promise<Figure[]> {
  const warmup = scaled(10_000, ctx.scale, 100);
  const sessions = scaled(100_000, ctx.scale, 1_000);
  ctx.log(`memory: ${warmup} warm-up + ${sessions} measured calls, raw pool then layer`);
  const { raw, layer } = await withSides(tdb, async ({ db, pool }) => ({
    raw: await heapGrowth(() => pool.query('SELECT 1'), warmup, sessions),
    layer: await heapGrowth(() => db.session((s) => s.query('SELECT 1')), warmup, sessions),
  }));
  return [
    figure({
      name: `memory: heap growth over ${sessions} sessions`,
      value: layer / MB,
      baseline: raw / MB,
      unit: 'MB',
      ratioFloor: 1,
      goals: [{ on: 'value', op: '<=', limit: 5 }],
    }),
  ];
}

/** Heap still in use (after full collections) after `measured` calls, compared with after the warm-up; bytes. */
async function heapGrowth(run: () => Promise<unknown>, warmup: number, measured: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const before = await settledHeapUsed();
  for (let i = 0; i < measured; i++) await run();
  return (await settledHeapUsed()) - before;
}
