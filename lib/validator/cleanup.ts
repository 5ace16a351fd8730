// Retention: what old rows go, in which order, each statement deleting at most one batch (<= 1000 rows)
// found through an index on the row's age.
import type { Sql } from './sql';

/** Hard cap of rows one cleanup transaction deletes (the original's 1000-row loops; no long transaction). */
export const CLEANUP_BATCH_MAX = 1000;

/**
 * How long an accepted request's uuid is kept: longer than any request carrying it can pass the timestamp check
 * (twice the largest tolerance lib/api allows, MAX_TIMESTAMP_TOLERANCE_MS, measured from the receive time).
 */
export const NONCE_RETENTION_MINUTES = 10;

/**
 * Retention defaults, in days.
 * - predictions 14: soil gives up 7 days after the target time and geo after 7 days; anything older is dead.
 * - history 30, score rows 30: weights look back 1-3 days; the rest is audit and the API's listing.
 * - regions 30 (with their truth and any prediction left), geo truth 30: history keeps copies of the truth.
 * - weights 30: the latest vector is always kept, however old.
 */
export const RETENTION_DAYS = {
  predictions: 14,
  history: 30,
  scoreRows: 30,
  regions: 30,
  geoTruth: 30,
  weights: 30,
  /** Request uuids (replay protection): NONCE_RETENTION_MINUTES, here in days. */
  requestNonces: NONCE_RETENTION_MINUTES / (24 * 60),
} as const;

export type RetentionDays = { -readonly [K in keyof typeof RETENTION_DAYS]: number };

export type RetentionTarget = {
  /** Name in the step's summary. */
  readonly name: string;
  /** Which retention applies. */
  readonly retention: keyof RetentionDays;
  /** $1 = cutoff (rows older go), $2 = batch size. */
  readonly sql: string;
};

/**
 * `key = ANY(ARRAY(subquery))`: the batch's keys are found once (an InitPlan on the age index) and the rows
 * deleted through the primary key. (`key IN (subquery)` lets the planner hash-join a scan of the whole table.)
 */
const batchDelete = (table: string, key: string, inner: string) => `DELETE FROM ${table} WHERE ${key} = ANY(ARRAY(${inner} LIMIT $2))`;

/** In dependency order: a region's predictions and truth go before the region (so no cascade exceeds a batch). */
export const RETENTION_TARGETS: readonly RetentionTarget[] = [
  { name: 'soilPredictions', retention: 'predictions', sql: batchDelete('soil_predictions', 'id', 'SELECT id FROM soil_predictions WHERE created_at < $1') },
  {
    name: 'soilPredictionsOfOldRegions',
    retention: 'regions',
    sql: batchDelete('soil_predictions', 'id', 'SELECT p.id FROM soil_regions r JOIN soil_predictions p ON p.region_id = r.id WHERE r.target_time < $1'),
  },
  {
    name: 'soilTruth',
    retention: 'regions',
    sql: batchDelete('soil_truth', 'region_id', 'SELECT t.region_id FROM soil_regions r JOIN soil_truth t ON t.region_id = r.id WHERE r.target_time < $1'),
  },
  { name: 'soilRegions', retention: 'regions', sql: batchDelete('soil_regions', 'id', 'SELECT id FROM soil_regions WHERE target_time < $1') },
  { name: 'geoPredictions', retention: 'predictions', sql: batchDelete('geo_predictions', 'id', 'SELECT id FROM geo_predictions WHERE created_at < $1') },
  { name: 'soilHistory', retention: 'history', sql: batchDelete('soil_history', 'id', 'SELECT id FROM soil_history WHERE scored_at < $1') },
  { name: 'geoHistory', retention: 'history', sql: batchDelete('geo_history', 'id', 'SELECT id FROM geo_history WHERE scored_at < $1') },
  { name: 'scoreRows', retention: 'scoreRows', sql: batchDelete('score_rows', 'id', 'SELECT id FROM score_rows WHERE created_at < $1') },
  { name: 'geoTruth', retention: 'geoTruth', sql: batchDelete('geo_truth', 'hour', 'SELECT hour FROM geo_truth WHERE hour < $1') },
  {
    name: 'weights',
    retention: 'weights',
    sql: batchDelete('weights', 'id', 'SELECT id FROM weights WHERE computed_at < $1 AND computed_at < (SELECT max(computed_at) FROM weights)'),
  },
  {
    // No single-column key: the batch's (signer, uuid) pairs are joined back on the primary key.
    name: 'requestNonces',
    retention: 'requestNonces',
    sql: `DELETE FROM request_nonces n USING (SELECT signer_key, uuid FROM request_nonces WHERE received_at < $1 LIMIT $2) old
          WHERE n.signer_key = old.signer_key AND n.uuid = old.uuid`,
  },
];

/** Deletes one batch of expired rows of one target; returns how many went. */
export async function deleteExpiredBatch(q: Sql, target: RetentionTarget, cutoff: Date, limit: number): Promise<number> {
  const n = Math.min(Math.max(1, Math.floor(limit)), CLEANUP_BATCH_MAX);
  const res = await q.query(target.sql, [cutoff, n]);
  return res.rowCount ?? 0;
}
