// The soil step's statements. Each is one round trip; the step runs them inside one short transaction per
// chunk. Batch writes are single statements over arrays (unnest) — except the functions marked as the
// per-row comparison path, kept for benchmarks only.
import { decodeGridWire, gridWire } from './soil-grid-wire';
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

/** When predictions are due: first attempts whose target time is before the cutoff, retries whose time has come. */
export type SoilDueRule = { firstDueBefore: Date; now: Date };

/**
 * The due rule on the predictions aliased `p`, the cutoff and now given as parameters. Each half matches one
 * partial index (first attempts by target time; retries by their time).
 */
const isDueSql = (p: string, firstDueBefore: string, now: string) =>
  `((${p}.status = 'sent_to_miner' AND ${p}.next_retry_time IS NULL AND ${p}.target_time <= ${firstDueBefore})
     OR (${p}.next_retry_time IS NOT NULL AND ${p}.next_retry_time <= ${now} AND ${p}.status <> 'scored'))`;

/** What a chunk works on: its due predictions (in id order) and the truth of their regions. */
export type DueSoilWork = { due: DueSoilPrediction[]; truths: Map<number, SoilTruthGrids> };

/**
 * One statement: up to `limit` attemptable predictions, locked for this transaction (rows another runner holds
 * are skipped), and the truth of their regions, share-locked so the truth stored in history is the one scored
 * against. Grids travel in binary (soil-grid-wire.ts).
 * Attemptable = the math's isDue (lib/tasks/soil/math), except that a retry whose time has come is taken
 * whatever its count: isDue stops at maxRetries while nextRetry gives up only once that count is reached, so
 * without this the last scheduled retry would never run nor be given up.
 */
export async function selectDueSoilWork(q: Sql, o: SoilDueRule & { limit: number }): Promise<DueSoilWork> {
  const res = await q.query<Record<string, unknown>>(
    `WITH due AS (
       SELECT id, region_id, miner_uid, miner_hotkey, target_time, surface_sm, rootzone_sm, status, retry_count, next_retry_time
       FROM soil_predictions p
       WHERE ${isDueSql('p', '$1', '$2')}
       ORDER BY id
       LIMIT $3
       FOR UPDATE SKIP LOCKED),
     truth AS (
       -- The regions are named so the truth is read through its key (a handful of rows), not scanned.
       SELECT region_id, surface_sm, rootzone_sm FROM soil_truth
       WHERE region_id = ANY (ARRAY(SELECT DISTINCT region_id FROM due))
       FOR SHARE)
     SELECT false AS is_truth, id, region_id, miner_uid, miner_hotkey, target_time, status, retry_count, next_retry_time,
            ${gridWire('surface_sm')} AS surface, ${gridWire('rootzone_sm')} AS rootzone
     FROM due
     UNION ALL
     SELECT true, NULL, region_id, NULL, NULL, NULL, NULL, NULL, NULL, ${gridWire('surface_sm')}, ${gridWire('rootzone_sm')}
     FROM truth`,
    [o.firstDueBefore, o.now, o.limit],
  );
  const due: DueSoilPrediction[] = [];
  const truths = new Map<number, SoilTruthGrids>();
  for (const r of res.rows) {
    const surface = decodeGridWire(r.surface as string);
    const rootzone = decodeGridWire(r.rootzone as string);
    if (r.is_truth) {
      truths.set(toNumber(r.region_id), { surface, rootzone });
      continue;
    }
    due.push({
      id: toNumber(r.id),
      regionId: toNumber(r.region_id),
      minerUid: r.miner_uid as number,
      minerHotkey: r.miner_hotkey as string,
      targetTime: toDate(r.target_time),
      surfaceSm: surface,
      rootzoneSm: rootzone,
      status: r.status as string,
      retryCount: r.retry_count as number,
      nextRetryTime: toDateOrNull(r.next_retry_time),
    });
  }
  // UNION ALL keeps no order of its own.
  due.sort((a, b) => a.id - b.id);
  return { due, truths };
}

/**
 * One statement settles a chunk: deletes the predictions `deleteIds` (scored, discarded and given up), upserts
 * a history row for each scored one, its grids copied server-side from the deleted prediction and the region's
 * truth, and schedules the next try of each of `retries`. Only ids, scores and retry fields travel.
 */
export async function moveSoilPredictions(
  q: Sql,
  o: { scored: readonly ScoredSoil[]; deleteIds: readonly number[]; retries?: readonly SoilRetry[]; scoredAt: Date },
): Promise<{ deleted: number; historyRows: number; retried: number }> {
  const retries = o.retries ?? [];
  if (o.deleteIds.length === 0 && retries.length === 0) return { deleted: 0, historyRows: 0, retried: 0 };
  const res = await q.query<{ deleted: number; history_rows: number; retried: number }>(
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
       RETURNING 1),
     retried AS (
       UPDATE soil_predictions p
       SET status = 'retry_scheduled', retry_count = r.retry_count, next_retry_time = r.next_retry_time, retry_error_message = r.message
       FROM unnest($8::bigint[], $9::int[], $10::timestamptz[], $11::text[]) AS r(id, retry_count, next_retry_time, message)
       WHERE p.id = r.id
       RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM ins)::int AS history_rows,
            (SELECT count(*) FROM retried)::int AS retried`,
    [
      numbers(o.scored.map((s) => s.id)),
      numbers(o.scored.map((s) => s.surfaceRmse)),
      numbers(o.scored.map((s) => s.rootzoneRmse)),
      numbers(o.scored.map((s) => s.score)),
      numbers(o.deleteIds),
      o.scoredAt,
      numbers([...new Set(o.scored.map((s) => s.regionId))]),
      retries.map((r) => r.id),
      retries.map((r) => r.retryCount),
      retries.map((r) => r.nextRetryTime),
      retries.map((r) => r.errorMessage),
    ],
  );
  const row = res.rows[0]!;
  return { deleted: row.deleted, historyRows: row.history_rows, retried: row.retried };
}

/**
 * Numbers as the array literal PostgreSQL reads ({1,0.25,NaN}); given an array, the driver would quote and
 * escape every element (~1,300 a chunk). JavaScript writes NaN and the infinities as float8 input spells them.
 */
function numbers(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}

const HISTORY_UPDATE = `
  miner_hotkey = excluded.miner_hotkey, surface_sm_pred = excluded.surface_sm_pred, rootzone_sm_pred = excluded.rootzone_sm_pred,
  surface_sm_truth = excluded.surface_sm_truth, rootzone_sm_truth = excluded.rootzone_sm_truth,
  surface_rmse = excluded.surface_rmse, rootzone_rmse = excluded.rootzone_rmse, score = excluded.score, scored_at = excluded.scored_at`;

/**
 * Every history score of these (distinct) target times, all regions, all earlier chunks and runs: a score row's
 * input. Each row names its time by position in `targetTimes`, so no timestamp is parsed per row.
 * A time that still has due predictions is left out: their chunk will rewrite its row from all its history (the
 * caller holds the time's score-row lock, so of concurrent chunks the last to commit sees none due and writes
 * it). A run's chunks so rewrite a time's row once, not each reloading every earlier chunk's rows.
 */
export async function soilHistoryScores(q: Sql, targetTimes: readonly Date[], due: SoilDueRule): Promise<{ targetTime: Date; uid: number; score: number }[]> {
  if (targetTimes.length === 0) return [];
  const res = await q.query<{ k: number; miner_uid: number; score: number }>(
    `SELECT t.k::int AS k, h.miner_uid, h.score
     FROM unnest($1::timestamptz[]) WITH ORDINALITY AS t(target_time, k)
     JOIN soil_history h ON h.target_time = t.target_time
     WHERE NOT EXISTS (SELECT 1 FROM soil_predictions p WHERE p.target_time = t.target_time AND ${isDueSql('p', '$2', '$3')})`,
    [targetTimes, due.firstDueBefore, due.now],
  );
  return res.rows.map((r) => ({ targetTime: targetTimes[r.k - 1]!, uid: r.miner_uid, score: r.score }));
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
