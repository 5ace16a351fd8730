// Geomagnetic intake: hourly Dst predictions (one per miner and hour; a re-submission replaces) and truth.
// submitGeoPrediction(s) is the trusted batch write (seeds, imports, the steps' tests and benchmarks): the caller
// vouches for the (uid, hotkey) and the time, so there is no signature and no window. Miners' requests go through
// submitSignedGeoPrediction (geo-submission.ts); no route calls these.
import { SubmissionsClosedError, UnregisteredMinerError } from './errors';
import { firstUnregistered } from './miners';
import { UID_COUNT } from './schema';
import { inTransaction, toNumber, type Executor } from './sql';
import type { GeoPredictionInput, GeoTruthInput, SubmitResult } from './types';
import { checkBatch, checkFinite, checkHour, checkKey, checkUid, checkUnique, fail } from './validate';

export const MAX_GEO_PREDICTIONS_PER_CALL = UID_COUNT;
/** Truth rows per call: a month of hours and then some. */
export const MAX_GEO_TRUTH_PER_CALL = 1000;
/** Raw Dst readings beyond this magnitude (nT) are bad data (the same rule as normalizeDst in lib/tasks/geo/math). */
export const MAX_RAW_DST = 1000;

export async function submitGeoPrediction(session: Executor, p: GeoPredictionInput): Promise<SubmitResult> {
  const [result] = await submitGeoPredictions(session, [p]);
  return result!;
}

/**
 * Upserts predictions on (miner_uid, query_time): a re-submission replaces the value and starts over.
 * All or nothing: BadInputError for a bad value or a time that is not an hour start; SubmissionsClosedError
 * (a BadInputError) for an hour whose truth is already stored; UnregisteredMinerError (a BadInputError)
 * for a (uid, hotkey) that is not a registered slot.
 */
export async function submitGeoPredictions(session: Executor, predictions: readonly GeoPredictionInput[]): Promise<SubmitResult[]> {
  checkBatch('predictions', predictions, MAX_GEO_PREDICTIONS_PER_CALL);
  predictions.forEach((p, i) => {
    if (typeof p !== 'object' || p === null) fail(`predictions[${i}] must be an object`);
    checkUid(`predictions[${i}].uid`, p.uid);
    checkKey(`predictions[${i}].hotkey`, p.hotkey);
    checkHour(`predictions[${i}].queryTime`, p.queryTime);
    checkFinite(`predictions[${i}].value`, p.value);
  });
  checkUnique('predictions: uid and hour', predictions, (p) => `${p.uid}/${p.queryTime.getTime()}`);
  if (predictions.length === 0) return [];

  const uids = predictions.map((p) => p.uid);
  const hours = predictions.map((p) => p.queryTime);
  return inTransaction(session, async (tx) => {
    const stranger = await firstUnregistered(tx, predictions);
    if (stranger) throw new UnregisteredMinerError(stranger.uid, stranger.hotkey);
    const closed = await tx.query<{ hour: Date }>('SELECT hour FROM geo_truth WHERE hour = ANY($1::timestamptz[]) LIMIT 1', [hours]);
    if (closed.rows[0]) throw new SubmissionsClosedError(`the truth of hour ${closed.rows[0].hour.toISOString()} is already stored: submissions are closed`);

    const res = await tx.query<{ id: unknown; miner_uid: number; query_time: Date; inserted: boolean }>(
      `INSERT INTO geo_predictions (miner_uid, miner_hotkey, query_time, predicted_value)
       SELECT * FROM unnest($1::int[], $2::text[], $3::timestamptz[], $4::float8[])
       ON CONFLICT (miner_uid, query_time) DO UPDATE SET
         miner_hotkey = excluded.miner_hotkey, predicted_value = excluded.predicted_value,
         status = 'pending', retry_count = 0, next_retry_time = NULL, updated_at = now()
       RETURNING id, miner_uid, query_time, (xmax = 0) AS inserted`,
      [uids, predictions.map((p) => p.hotkey), hours, predictions.map((p) => p.value)],
    );
    const byKey = new Map(res.rows.map((r) => [`${r.miner_uid}/${r.query_time.getTime()}`, r]));
    return predictions.map((p) => {
      const r = byKey.get(`${p.uid}/${p.queryTime.getTime()}`)!;
      return { id: toNumber(r.id), replaced: !r.inserted };
    });
  });
}

/**
 * Upserts hourly truth: raw Dst (nT) divided by 100 here; a reading with |raw| > 1000 rejects the whole call
 * (BadInputError, nothing written). Returns the number of hours stored.
 */
export async function storeGeoTruth(session: Executor, rows: readonly GeoTruthInput[]): Promise<number> {
  checkBatch('truth', rows, MAX_GEO_TRUTH_PER_CALL);
  rows.forEach((r, i) => {
    if (typeof r !== 'object' || r === null) fail(`truth[${i}] must be an object`);
    checkHour(`truth[${i}].hour`, r.hour);
    checkFinite(`truth[${i}].dst`, r.dst);
    if (Math.abs(r.dst) > MAX_RAW_DST) fail(`truth[${i}].dst: |Dst| > ${MAX_RAW_DST} nT is bad data`);
  });
  checkUnique('truth: hour', rows, (r) => r.hour.getTime());
  if (rows.length === 0) return 0;
  const res = await inTransaction(session, (tx) =>
    tx.query(
      `INSERT INTO geo_truth (hour, dst, received_at)
       SELECT hour, raw / 100, now() FROM unnest($1::timestamptz[], $2::float8[]) AS t(hour, raw)
       ON CONFLICT (hour) DO UPDATE SET dst = excluded.dst, received_at = excluded.received_at`,
      [rows.map((r) => r.hour), rows.map((r) => r.dst)],
    ),
  );
  return res.rowCount ?? rows.length;
}
