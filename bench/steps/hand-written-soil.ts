// The raw-driver baseline of the soil step: the same work written by hand on node-postgres, in ONE
// transaction. Select the due predictions and their regions' truth, score them with the same pure math,
// ONE multi-row INSERT of every history row (grids sent from the client, as one would by hand), ONE DELETE,
// then the score row of each target time rebuilt from all its history, under the same advisory lock the
// step takes: 9 round trips (BEGIN and COMMIT included), whatever the number of predictions.
import { planSoilChunk } from '../../lib/tasks';
import { meanScoresByUid, SOIL_POLICY } from '../../lib/tasks/soil/math';
import type { DueSoilPrediction, Sql, SoilTruthGrids } from '../../lib/validator';

const HISTORY_COLUMNS = [
  ['region_id', 'bigint'],
  ['miner_uid', 'int'],
  ['miner_hotkey', 'text'],
  ['target_time', 'timestamptz'],
  ['surface_sm_pred', 'float8[]'],
  ['rootzone_sm_pred', 'float8[]'],
  ['surface_sm_truth', 'float8[]'],
  ['rootzone_sm_truth', 'float8[]'],
  ['surface_rmse', 'float8'],
  ['rootzone_rmse', 'float8'],
  ['score', 'float8'],
  ['scored_at', 'timestamptz'],
] as const;

/**
 * The phases timed on every side: the statements that write history or delete predictions, and the one
 * that reads (and locks) the due predictions with their grids (the step's also reads the truth).
 */
export const SOIL_PHASES = {
  write: /INSERT INTO soil_history|DELETE FROM soil_predictions/,
  readDue: /\bFROM soil_predictions\b[\s\S]*\bFOR UPDATE SKIP LOCKED\b/,
};

/** Runs the whole soil step by hand on `q` (a raw client); returns the history rows written. */
export async function handWrittenSoilStep(q: Sql, now: Date): Promise<number> {
  await q.query('BEGIN');
  try {
    const written = await scoreAll(q, now);
    await q.query('COMMIT');
    return written;
  } catch (err) {
    await q.query('ROLLBACK');
    throw err;
  }
}

async function scoreAll(q: Sql, now: Date): Promise<number> {
  const firstDueBefore = new Date(now.getTime() - SOIL_POLICY.scoringDelayMs);
  const due = (
    await q.query<Record<string, unknown>>(
      `SELECT id, region_id, miner_uid, miner_hotkey, target_time, surface_sm, rootzone_sm, status, retry_count, next_retry_time
       FROM soil_predictions
       WHERE (status = 'sent_to_miner' AND next_retry_time IS NULL AND target_time <= $1)
          OR (next_retry_time IS NOT NULL AND next_retry_time <= $2 AND status <> 'scored')
       ORDER BY id
       FOR UPDATE SKIP LOCKED`,
      [firstDueBefore, now],
    )
  ).rows.map(toDue);
  if (due.length === 0) return 0;

  const truthRows = await q.query<{ region_id: string; surface_sm: number[]; rootzone_sm: number[] }>(
    'SELECT region_id, surface_sm, rootzone_sm FROM soil_truth WHERE region_id = ANY($1::bigint[]) FOR SHARE',
    [[...new Set(due.map((p) => p.regionId))]],
  );
  const truths = new Map<number, SoilTruthGrids>(truthRows.rows.map((r) => [Number(r.region_id), { surface: r.surface_sm, rootzone: r.rootzone_sm }]));
  const plan = planSoilChunk(due, truths, now);
  // The seed is all scorable; retries would need an UPDATE this baseline does not write.
  if (plan.retries.length > 0) throw new Error('hand-written soil step: the bench seed must not produce retries');

  const byId = new Map(due.map((p) => [p.id, p]));
  const params: unknown[] = [];
  for (const s of plan.scored) {
    const p = byId.get(s.id)!;
    const t = truths.get(p.regionId)!;
    params.push(p.regionId, p.minerUid, p.minerHotkey, p.targetTime, p.surfaceSm, p.rootzoneSm, t.surface, t.rootzone, s.surfaceRmse, s.rootzoneRmse, s.score, now);
  }
  if (plan.scored.length > 0) {
    await q.query(
      `INSERT INTO soil_history (${HISTORY_COLUMNS.map(([c]) => c).join(', ')})
       VALUES ${placeholders(plan.scored.length)}
       ON CONFLICT (region_id, miner_uid, target_time) DO UPDATE SET
         miner_hotkey = excluded.miner_hotkey, surface_sm_pred = excluded.surface_sm_pred, rootzone_sm_pred = excluded.rootzone_sm_pred,
         surface_sm_truth = excluded.surface_sm_truth, rootzone_sm_truth = excluded.rootzone_sm_truth,
         surface_rmse = excluded.surface_rmse, rootzone_rmse = excluded.rootzone_rmse, score = excluded.score, scored_at = excluded.scored_at`,
      params,
    );
  }
  await q.query('DELETE FROM soil_predictions WHERE id = ANY($1::bigint[])', [[...plan.scored.map((s) => s.id), ...plan.discarded, ...plan.gaveUp]]);

  const times = [...new Set(plan.scored.map((s) => s.targetTime.getTime()))].sort((a, b) => a - b);
  if (times.length > 0) await rewriteScoreRows(q, times, now);
  return plan.scored.length;
}

/** Each target time's score row from all its history: per uid the mean over the regions. */
async function rewriteScoreRows(q: Sql, times: number[], now: Date): Promise<void> {
  // The step's lock key: (task, epoch seconds folded into int4), taken in ascending order.
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1), k) FROM unnest($2::int[]) AS u(k) ORDER BY k', [
    'soil_moisture',
    times.map((ms) => Math.floor(ms / 1000) % 2_147_483_647),
  ]);
  const history = await q.query<{ target_time: Date; miner_uid: number; score: number }>(
    'SELECT target_time, miner_uid, score FROM soil_history WHERE target_time = ANY($1::timestamptz[])',
    [times.map((ms) => new Date(ms))],
  );
  const params: unknown[] = [];
  const values = times.map((ms, i) => {
    const entries = history.rows.filter((h) => h.target_time.getTime() === ms).map((h) => ({ uid: h.miner_uid, score: h.score }));
    params.push(ms / 1000, new Date(ms), Array.from(meanScoresByUid(entries)));
    return `('soil_moisture', $${3 * i + 2}::bigint, $${3 * i + 3}::timestamptz, $${3 * i + 4}::float8[], 'completed', $1::timestamptz)`;
  });
  await q.query(
    `INSERT INTO score_rows (task_name, task_id, task_time, score, status, created_at) VALUES ${values.join(', ')}
     ON CONFLICT (task_name, task_id) DO UPDATE SET task_time = excluded.task_time, score = excluded.score, status = excluded.status`,
    [now, ...params],
  );
}

function toDue(r: Record<string, unknown>): DueSoilPrediction {
  return {
    id: Number(r.id),
    regionId: Number(r.region_id),
    minerUid: r.miner_uid as number,
    minerHotkey: r.miner_hotkey as string,
    targetTime: r.target_time as Date,
    surfaceSm: r.surface_sm as number[],
    rootzoneSm: r.rootzone_sm as number[],
    status: r.status as string,
    retryCount: r.retry_count as number,
    nextRetryTime: (r.next_retry_time as Date | null) ?? null,
  };
}

/** `($1::bigint, ...), (...)`: every placeholder with its column's type. */
function placeholders(rows: number): string {
  const out: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) out.push(`(${HISTORY_COLUMNS.map(([, type]) => `$${++n}::${type}`).join(', ')})`);
  return out.join(', ');
}
