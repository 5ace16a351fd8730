// The geo step's statements, one round trip each, run inside one short transaction per chunk.
import { toDate, toDateOrNull, toNumber, type Sql } from './sql';

export type DueGeoPrediction = {
  id: number;
  minerUid: number;
  minerHotkey: string;
  queryTime: Date;
  predictedValue: number;
  retryCount: number;
  nextRetryTime: Date | null;
  /** The hour's truth (Dst / 100), or null while it is not published. */
  truth: number | null;
};

export type ScoredGeo = { id: number; truth: number; score: number };

export type GeoRetry = { id: number; retryCount: number; nextRetryTime: Date };

/**
 * Up to `limit` attemptable predictions with their hour's truth (if stored), locked for this transaction;
 * rows another runner holds are skipped. Attemptable = the hour is over (query_time <= hourOverBefore) and
 * no retry is scheduled later than now. Range scan of the query_time index.
 */
export async function selectDueGeoPredictions(q: Sql, o: { hourOverBefore: Date; now: Date; limit: number }): Promise<DueGeoPrediction[]> {
  const res = await q.query<Record<string, unknown>>(
    `SELECT p.id, p.miner_uid, p.miner_hotkey, p.query_time, p.predicted_value, p.retry_count, p.next_retry_time, t.dst
     FROM geo_predictions p LEFT JOIN geo_truth t ON t.hour = p.query_time
     WHERE p.query_time <= $1 AND (p.next_retry_time IS NULL OR p.next_retry_time <= $2)
     ORDER BY p.query_time, p.id
     LIMIT $3
     FOR UPDATE OF p SKIP LOCKED`,
    [o.hourOverBefore, o.now, o.limit],
  );
  return res.rows.map((r) => ({
    id: toNumber(r.id),
    minerUid: r.miner_uid as number,
    minerHotkey: r.miner_hotkey as string,
    queryTime: toDate(r.query_time),
    predictedValue: r.predicted_value as number,
    retryCount: r.retry_count as number,
    nextRetryTime: toDateOrNull(r.next_retry_time),
    truth: r.dst === null ? null : (r.dst as number),
  }));
}

/** One statement: deletes `deleteIds` (scored and given up) and upserts a history row for each scored one. */
export async function moveGeoPredictions(
  q: Sql,
  o: { scored: readonly ScoredGeo[]; deleteIds: readonly number[]; scoredAt: Date },
): Promise<{ deleted: number; historyRows: number }> {
  if (o.deleteIds.length === 0) return { deleted: 0, historyRows: 0 };
  const res = await q.query<{ deleted: number; history_rows: number }>(
    `WITH s AS (SELECT * FROM unnest($1::bigint[], $2::float8[], $3::float8[]) AS s(id, truth, score)),
     gone AS (
       DELETE FROM geo_predictions p WHERE p.id = ANY($4::bigint[])
       RETURNING p.id, p.miner_uid, p.miner_hotkey, p.query_time, p.predicted_value),
     ins AS (
       INSERT INTO geo_history (miner_uid, miner_hotkey, query_time, predicted_value, ground_truth_value, score, scored_at)
       SELECT g.miner_uid, g.miner_hotkey, g.query_time, g.predicted_value, s.truth, s.score, $5
       FROM gone g JOIN s ON s.id = g.id
       ON CONFLICT (miner_uid, query_time) DO UPDATE SET
         miner_hotkey = excluded.miner_hotkey, predicted_value = excluded.predicted_value,
         ground_truth_value = excluded.ground_truth_value, score = excluded.score, scored_at = excluded.scored_at
       RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM ins)::int AS history_rows`,
    [o.scored.map((s) => s.id), o.scored.map((s) => s.truth), o.scored.map((s) => s.score), o.deleteIds, o.scoredAt],
  );
  const row = res.rows[0]!;
  return { deleted: row.deleted, historyRows: row.history_rows };
}

/** One statement: schedules the next try of each prediction. */
export async function scheduleGeoRetries(q: Sql, retries: readonly GeoRetry[]): Promise<number> {
  if (retries.length === 0) return 0;
  const res = await q.query(
    `UPDATE geo_predictions p SET retry_count = r.retry_count, next_retry_time = r.next_retry_time, updated_at = now()
     FROM unnest($1::bigint[], $2::int[], $3::timestamptz[]) AS r(id, retry_count, next_retry_time)
     WHERE p.id = r.id`,
    [retries.map((r) => r.id), retries.map((r) => r.retryCount), retries.map((r) => r.nextRetryTime)],
  );
  return res.rowCount ?? retries.length;
}

/** Every history score of these hours: a score row's input. */
export async function geoHistoryScores(q: Sql, hours: readonly Date[]): Promise<{ hour: Date; uid: number; score: number }[]> {
  if (hours.length === 0) return [];
  const res = await q.query<{ query_time: unknown; miner_uid: number; score: number }>(
    'SELECT query_time, miner_uid, score FROM geo_history WHERE query_time = ANY($1::timestamptz[])',
    [hours],
  );
  return res.rows.map((r) => ({ hour: toDate(r.query_time), uid: r.miner_uid, score: r.score }));
}
