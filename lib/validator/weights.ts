// Weight vectors: one per computation time (UNIQUE computed_at), served to whatever sets them on chain.
import { desc } from 'drizzle-orm';
import { UID_COUNT, weights, type Weights, type WeightsInputs } from './schema';
import { floats, toDate, toNumber, type Executor, type Sql } from './sql';
import type { WeightsInput } from './types';
import { checkDate, fail } from './validate';

export async function latestWeights(session: Executor): Promise<Weights | undefined> {
  const rows = await session.db.select().from(weights).orderBy(desc(weights.computedAt)).limit(1);
  return rows[0];
}

/** Stores a vector; a second store at the same computed_at replaces the first (a re-run never duplicates). */
export async function storeWeights(tx: Sql, w: WeightsInput): Promise<Weights> {
  checkDate('computedAt', w.computedAt);
  checkDate('windowStart', w.windowStart);
  checkDate('windowEnd', w.windowEnd);
  if (w.windowStart.getTime() > w.windowEnd.getTime()) fail('windowStart must not be after windowEnd');
  if (w.weights.length !== UID_COUNT) fail(`weights must have ${UID_COUNT} entries`);
  for (let i = 0; i < w.weights.length; i++) {
    const v = w.weights[i]!;
    if (!Number.isFinite(v) || v < 0) fail(`weights[${i}] must be a finite number >= 0`);
  }
  const res = await tx.query<{ id: unknown; computed_at: unknown; window_start: unknown; window_end: unknown; weights: number[]; inputs: WeightsInputs; created_at: unknown }>(
    `INSERT INTO weights (computed_at, window_start, window_end, weights, inputs)
     VALUES ($1, $2, $3, $4::float8[], $5::jsonb)
     ON CONFLICT (computed_at) DO UPDATE SET
       window_start = excluded.window_start, window_end = excluded.window_end,
       weights = excluded.weights, inputs = excluded.inputs
     RETURNING id, computed_at, window_start, window_end, weights, inputs, created_at`,
    [w.computedAt, w.windowStart, w.windowEnd, floats(w.weights), JSON.stringify(w.inputs)],
  );
  const r = res.rows[0]!;
  return {
    id: toNumber(r.id),
    computedAt: toDate(r.computed_at),
    windowStart: toDate(r.window_start),
    windowEnd: toDate(r.window_end),
    weights: r.weights,
    inputs: r.inputs,
    createdAt: toDate(r.created_at),
  };
}
