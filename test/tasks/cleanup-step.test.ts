// The cleanup step deletes rows past retention, at most 1000 per transaction, in dependency order, and keeps
// everything younger (and always the latest weight vector).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCleanupStep } from '../../lib/tasks';
import { RETENTION_DAYS, type AnySession } from '../../lib/validator';
import { counts, DAY, pgHarness, type Harness } from '../validator/fixtures';

const NOW = new Date('2025-06-01T00:00:00Z');
const OLD = new Date(NOW.getTime() - 40 * DAY); // past every retention
const STALE = new Date(NOW.getTime() - 20 * DAY); // past the predictions' 14 days only
const FRESH = new Date(NOW.getTime() - DAY);
const GRID = 'array_fill(0.2::float8, ARRAY[121])';

/** Old and fresh rows in every table, written directly (volumes beyond what the API would take in one call). */
async function seedAges(s: AnySession): Promise<void> {
  await s.transaction(async (tx) => {
    const q = (text: string, params: unknown[] = []) => tx.query(text, params);
    // regions: 2 old (with 256 predictions and truth each), 1 fresh (10 fresh + 10 stale predictions)
    await q(
      `INSERT INTO soil_regions (region_date, target_time, closes_at, bbox, sentinel_bounds, sentinel_crs)
       SELECT '2025-01-01', t, t, '[0,0,1,1]', '{0,0,1,1}', 4326 FROM unnest($1::timestamptz[]) t`,
      [[OLD, new Date(OLD.getTime() + 6 * 3_600_000), FRESH]],
    );
    const ids = (await q('SELECT id FROM soil_regions ORDER BY target_time')).rows.map((r) => r.id);
    const predictions = (region: unknown, from: number, n: number, createdAt: Date) =>
      q(
        `INSERT INTO soil_predictions (region_id, miner_uid, miner_hotkey, target_time, surface_sm, rootzone_sm, sentinel_bounds, sentinel_crs, created_at)
         SELECT $1, g, 'hk' || g, r.target_time, ${GRID}, ${GRID}, '{0,0,1,1}', 4326, $4
         FROM generate_series($2::int, $2::int + $3::int - 1) g, soil_regions r WHERE r.id = $1`,
        [region, from, n, createdAt],
      );
    await predictions(ids[0], 0, 256, FRESH);
    await predictions(ids[1], 0, 256, FRESH);
    await predictions(ids[2], 0, 10, FRESH);
    await predictions(ids[2], 10, 10, STALE);
    await q(`INSERT INTO soil_truth (region_id, surface_sm, rootzone_sm) SELECT id, ${GRID}, ${GRID} FROM soil_regions`);
    // history: 2500 old + 300 fresh soil rows, 1500 old geo rows
    await q(
      `INSERT INTO soil_history (region_id, miner_uid, miner_hotkey, target_time, surface_sm_pred, rootzone_sm_pred, surface_sm_truth, rootzone_sm_truth, surface_rmse, rootzone_rmse, score, scored_at)
       SELECT g, 0, 'hk', $1::timestamptz, ${GRID}, ${GRID}, ${GRID}, ${GRID}, 0.1, 0.1, 0.5, CASE WHEN g < 2500 THEN $1::timestamptz ELSE $2::timestamptz END FROM generate_series(0, 2799) g`,
      [OLD, FRESH],
    );
    await q(
      `INSERT INTO geo_history (miner_uid, miner_hotkey, query_time, predicted_value, ground_truth_value, score, scored_at)
       SELECT g % 256, 'hk', date_trunc('hour', $1::timestamptz) - (g / 256) * interval '1 hour', 0, 0, 1, $1::timestamptz FROM generate_series(0, 1499) g`,
      [OLD],
    );
    // geo predictions: 10 stale, 5 fresh; geo truth: 50 old hours, 10 fresh
    await q(
      `INSERT INTO geo_predictions (miner_uid, miner_hotkey, query_time, predicted_value, created_at)
       SELECT g, 'hk', date_trunc('hour', $1::timestamptz), 0, CASE WHEN g < 10 THEN $2::timestamptz ELSE $1::timestamptz END FROM generate_series(0, 14) g`,
      [FRESH, STALE],
    );
    await q(
      `INSERT INTO geo_truth (hour, dst) SELECT date_trunc('hour', CASE WHEN g < 50 THEN $1::timestamptz ELSE $2::timestamptz END) - g * interval '1 hour', 0 FROM generate_series(0, 59) g`,
      [OLD, FRESH],
    );
    // score rows: 1200 old, 5 fresh; weights: 3 old vectors
    await q(
      `INSERT INTO score_rows (task_name, task_id, task_time, score, created_at)
       SELECT 'geomagnetic', g, to_timestamp(g), array_fill(0::float8, ARRAY[256]), CASE WHEN g < 1200 THEN $1::timestamptz ELSE $2::timestamptz END FROM generate_series(0, 1204) g`,
      [OLD, FRESH],
    );
    // request uuids: 1200 received 20 minutes ago (past their 10 minutes), 5 a minute ago
    await q(
      `INSERT INTO request_nonces (signer_key, uuid, signed_at, received_at)
       SELECT decode(md5(g::text) || md5(g::text), 'hex'), gen_random_uuid(), t, t
       FROM generate_series(0, 1204) g, LATERAL (SELECT CASE WHEN g < 1200 THEN $1::timestamptz - interval '20 minutes' ELSE $1::timestamptz - interval '1 minute' END AS t) x`,
      [NOW],
    );
    await q(
      `INSERT INTO weights (computed_at, window_start, window_end, weights, inputs)
       SELECT $1::timestamptz - g * interval '1 day', $1::timestamptz - g * interval '1 day', $1::timestamptz - g * interval '1 day', array_fill(0::float8, ARRAY[256]), '{}' FROM generate_series(0, 2) g`,
      [OLD],
    );
  });
}

let h: Harness;
beforeEach(async () => {
  h = await pgHarness('cleanup');
  await h.session(seedAges);
});
afterEach(async () => {
  await h.close();
});

describe('cleanup step', () => {
  it('deletes everything past retention in batches of at most 1000 rows and keeps the rest', async () => {
    // Prepare
    const before = await h.session(counts);
    // Act
    const summary = await h.session((s) => runCleanupStep(s, { now: NOW }));
    // Assess
    expect(summary.deleted).toEqual({
      soilPredictions: 10,
      soilPredictionsOfOldRegions: 512,
      soilTruth: 2,
      soilRegions: 2,
      geoPredictions: 10,
      soilHistory: 2500,
      geoHistory: 1500,
      scoreRows: 1200,
      geoTruth: 50,
      weights: 2,
      requestNonces: 1200,
    });
    expect(summary.largestBatch).toBe(1000);
    // 1000-row batches: history 3 + 2, score rows 2, request uuids 2; the small targets 1 each (7)
    expect(summary.chunks).toBe(16);
    expect(summary.stoppedBy).toBe('done');
    const after = await h.session(counts);
    expect(after).toEqual({
      ...before,
      soil_regions: 1,
      soil_predictions: 10,
      soil_truth: 1,
      soil_history: 300,
      geo_history: 0,
      geo_predictions: 5,
      geo_truth: 10,
      score_rows: 5,
      weights: 1,
      request_nonces: 5,
    });
    const kept = await h.session((s) => s.query<{ computed_at: Date }>('SELECT computed_at FROM weights'));
    expect(kept.rows[0]!.computed_at).toEqual(OLD); // the latest vector, however old
  });

  it('honours a smaller batch and longer retention, and is a no-op when run again', async () => {
    // Act
    const first = await h.session((s) => runCleanupStep(s, { now: NOW, batchSize: 400, retentionDays: { history: 60 } }));
    const again = await h.session((s) => runCleanupStep(s, { now: NOW, batchSize: 400, retentionDays: { history: 60 } }));
    // Assess
    expect(first.largestBatch).toBe(400);
    expect(first.deleted.soilHistory).toBe(0);
    expect(first.deleted.scoreRows).toBe(1200);
    expect(again.totalDeleted).toBe(0);
    expect(again.chunks).toBe(0);
  });

  it('refuses a batch above 1000 rows', async () => {
    const err = await h.session((s) => runCleanupStep(s, { now: NOW, batchSize: 1001 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect(RETENTION_DAYS.predictions).toBeLessThan(RETENTION_DAYS.regions);
  });
});
