// The soil step's statements. Each is one round trip; the step runs them inside one short transaction per
// chunk. Batch writes are single statements over arrays (unnest) — except the functions marked as the
// per-row comparison path, kept for benchmarks only.
import { floats, toDate, toDateOrNull, toNumber, type Sql } from './sql';

export type DueSoilPrediction = {
  id: number;
  regionId: number;
  minerUid: number;
  minerHotkey: string;
  targetTime: Date;
  /** 121 values, row-major. */
  surfaceSm: number[];
  rootzoneSm: number[];
  status: string;
  retryCount: number;
  nextRetryTime: Date | null;
};

/** Flat (121-value) truth grids of a region. */
export type SoilTruthGrids = { surface: number[]; rootzone: number[] };

export type ScoredSoil = { id: number; regionId: number; surfaceRmse: number; rootzoneRmse: number; score: number };

export type SoilRetry = { id: number; retryCount: number; nextRetryTime: Date; errorMessage: string };

/**
 * Up to `limit` attemptable predictions, locked for this transaction; rows another runner holds are skipped.
 * Attemptable = the math's isDue (lib/tasks/soil/math), except that a retry whose time has come is taken
 * whatever its count: isDue stops at maxRetries while nextRetry gives up only once that count is reached, so
 * without this the last scheduled retry would never run nor be given up. Each half of the rule matches one
 * partial index (first attempts by target time; retries by their time).
 */
export async function selectDueSoilPredictions(q: Sql, o: { firstDueBefore: Date; now: Date; limit: number }): Promise<DueSoilPrediction[]> {
  const res = await q.query<Record<string, unknown>>(
    `SELECT id, region_id, miner_uid, miner_hotkey, target_time, surface_sm, rootzone_sm, status, retry_count, next_retry_time
     FROM soil_predictions
     WHERE (status = 'sent_to_miner' AND next_retry_time IS NULL AND target_time <= $1)
        OR (next_retry_time IS NOT NULL AND next_retry_time <= $2 AND status <> 'scored')
     ORDER BY id
     LIMIT $3
     FOR UPDATE SKIP LOCKED`,
    [o.firstDueBefore, o.now, o.limit],
  );
  return res.rows.map((r) => ({
    id: toNumber(r.id),
    regionId: toNumber(r.region_id),
    minerUid: r.miner_uid as number,
    minerHotkey: r.miner_hotkey as string,
    targetTime: toDate(r.target_time),
    surfaceSm: r.surface_sm as number[],
    rootzoneSm: r.rootzone_sm as number[],
    status: r.status as string,
    retryCount: r.retry_count as number,
    nextRetryTime: toDateOrNull(r.next_retry_time),
  }));
}

/** Truth of these regions, share-locked so the truth stored in history is the one scored against. */
export async function selectSoilTruth(q: Sql, regionIds: readonly number[]): Promise<Map<number, SoilTruthGrids>> {
  if (regionIds.length === 0) return new Map();
  const res = await q.query<{ region_id: unknown; surface_sm: number[]; rootzone_sm: number[] }>(
    'SELECT region_id, surface_sm, rootzone_sm FROM soil_truth WHERE region_id = ANY($1::bigint[]) FOR SHARE',
    [regionIds],
  );
  return new Map(res.rows.map((r) => [toNumber(r.region_id), { surface: r.surface_sm, rootzone: r.rootzone_sm }]));
}

/**
 * One statement: deletes the predictions `deleteIds` (scored, discarded and given up) and upserts a history
 * row for each scored one, its grids copied server-side from the deleted prediction and the region's truth.
 * Only ids and scores travel.
 */
export async function moveSoilPredictions(
  q: Sql,
  o: { scored: readonly ScoredSoil[]; deleteIds: readonly number[]; scoredAt: Date },
): Promise<{ deleted: number; historyRows: number }> {
  if (o.deleteIds.length === 0) return { deleted: 0, historyRows: 0 };
  const res = await q.query<{ deleted: number; history_rows: number }>(
    `WITH s AS (SELECT * FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::float8[]) AS s(id, surface_rmse, rootzone_rmse, score)),
     gone AS (
       DELETE FROM soil_predictions p WHERE p.id = ANY($5::bigint[])
       RETURNING p.id, p.region_id, p.miner_uid, p.miner_hotkey, p.target_time, p.surface_sm, p.rootzone_sm),
     ins AS (
       INSERT INTO soil_history (region_id, miner_uid, miner_hotkey, target_time, surface_sm_pred, rootzone_sm_pred,
                                 surface_sm_truth, rootzone_sm_truth, surface_rmse, rootzone_rmse, score, scored_at)
       SELECT g.region_id, g.miner_uid, g.miner_hotkey, g.target_time, g.surface_sm, g.rootzone_sm,
              t.surface_sm, t.rootzone_sm, s.surface_rmse, s.rootzone_rmse, s.score, $6
       FROM gone g JOIN s ON s.id = g.id
       -- The regions are named so the truth is read through its key (a handful of rows), not scanned.
       JOIN soil_truth t ON t.region_id = g.region_id AND t.region_id = ANY($7::bigint[])
       ON CONFLICT (region_id, miner_uid, target_time) DO UPDATE SET ${HISTORY_UPDATE}
       RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM ins)::int AS history_rows`,
    [
      o.scored.map((s) => s.id),
      o.scored.map((s) => s.surfaceRmse),
      o.scored.map((s) => s.rootzoneRmse),
      o.scored.map((s) => s.score),
      o.deleteIds,
      o.scoredAt,
      [...new Set(o.scored.map((s) => s.regionId))],
    ],
  );
  const row = res.rows[0]!;
  return { deleted: row.deleted, historyRows: row.history_rows };
}

const HISTORY_UPDATE = `
  miner_hotkey = excluded.miner_hotkey, surface_sm_pred = excluded.surface_sm_pred, rootzone_sm_pred = excluded.rootzone_sm_pred,
  surface_sm_truth = excluded.surface_sm_truth, rootzone_sm_truth = excluded.rootzone_sm_truth,
  surface_rmse = excluded.surface_rmse, rootzone_rmse = excluded.rootzone_rmse, score = excluded.score, scored_at = excluded.scored_at`;

/** One statement: schedules the next try of each prediction. */
export async function scheduleSoilRetries(q: Sql, retries: readonly SoilRetry[]): Promise<number> {
  if (retries.length === 0) return 0;
  const res = await q.query(
    `UPDATE soil_predictions p
     SET status = 'retry_scheduled', retry_count = r.retry_count, next_retry_time = r.next_retry_time, retry_error_message = r.message
     FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::text[]) AS r(id, retry_count, next_retry_time, message)
     WHERE p.id = r.id`,
    [retries.map((r) => r.id), retries.map((r) => r.retryCount), retries.map((r) => r.nextRetryTime), retries.map((r) => r.errorMessage)],
  );
  return res.rowCount ?? retries.length;
}

/** Every history score of these target times (all regions, all earlier chunks and runs): a score row's input. */
export async function soilHistoryScores(q: Sql, targetTimes: readonly Date[]): Promise<{ targetTime: Date; uid: number; score: number }[]> {
  if (targetTimes.length === 0) return [];
  const res = await q.query<{ target_time: unknown; miner_uid: number; score: number }>(
    'SELECT target_time, miner_uid, score FROM soil_history WHERE target_time = ANY($1::timestamptz[])',
    [targetTimes],
  );
  return res.rows.map((r) => ({ targetTime: toDate(r.target_time), uid: r.miner_uid, score: r.score }));
}

// ---- per-row comparison path (benchmarks only) -------------------------------------------------
// What the original did: one statement per prediction, grids sent from the client. Same results, many
// more round trips. Never used by the scheduled step.

/** Comparison path: one history upsert for one scored prediction. */
export async function insertSoilHistoryRow(
  q: Sql,
  p: DueSoilPrediction,
  truth: SoilTruthGrids,
  s: ScoredSoil,
  scoredAt: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO soil_history (region_id, miner_uid, miner_hotkey, target_time, surface_sm_pred, rootzone_sm_pred,
                               surface_sm_truth, rootzone_sm_truth, surface_rmse, rootzone_rmse, score, scored_at)
     VALUES ($1, $2, $3, $4, $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9, $10, $11, $12)
     ON CONFLICT (region_id, miner_uid, target_time) DO UPDATE SET ${HISTORY_UPDATE}`,
    [p.regionId, p.minerUid, p.minerHotkey, p.targetTime, floats(p.surfaceSm), floats(p.rootzoneSm), floats(truth.surface), floats(truth.rootzone), s.surfaceRmse, s.rootzoneRmse, s.score, scoredAt],
  );
}

/** Comparison path: deletes one prediction. */
export async function deleteSoilPrediction(q: Sql, id: number): Promise<void> {
  await q.query('DELETE FROM soil_predictions WHERE id = $1', [id]);
}

/** Comparison path: schedules one retry. */
export async function scheduleSoilRetry(q: Sql, r: SoilRetry): Promise<void> {
  await q.query(
    `UPDATE soil_predictions SET status = 'retry_scheduled', retry_count = $2, next_retry_time = $3, retry_error_message = $4 WHERE id = $1`,
    [r.id, r.retryCount, r.nextRetryTime, r.errorMessage],
  );
}
