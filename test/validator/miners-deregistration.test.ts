// Deregistration: a uid whose hotkey changes loses the old hotkey's predictions and history, and its entry
// in past score rows becomes 0 — in short batches, resumable from the outbox when interrupted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCleanupStep, runGeoStep, runSoilStep } from '../../lib/tasks';
import {
  listScores,
  purgeDeregistrations,
  storeGeoTruth,
  storeSoilTruth,
  submitGeoPredictions,
  submitSoilPredictions,
  syncMetagraph,
  upsertScoreRows,
  type AnySession,
} from '../../lib/validator';
import { counts, DAY, filled, hotkeyOf, minerRows, pgHarness, range, seedRegions, soilPrediction, type Harness } from './fixtures';

const T0 = new Date('2025-03-01T01:30:00Z');
const NOW = new Date(T0.getTime() + 4 * DAY);
const HOUR0 = new Date('2025-03-01T00:00:00Z');

let h: Harness;
beforeEach(async () => {
  h = await pgHarness('dereg');
});
afterEach(async () => {
  await h.close();
});

/** uids 0..3 with scored soil and geo history, score rows, and still-pending predictions. */
async function seedScoredMiners(s: AnySession): Promise<void> {
  await syncMetagraph(s, minerRows(range(4)));
  const [scored, pending] = await seedRegions(s, [T0, new Date(NOW.getTime() + DAY)], 1);
  await submitSoilPredictions(s, range(4).map((uid) => soilPrediction(scored!, uid, 0.2 + uid / 100)));
  await submitSoilPredictions(s, range(4).map((uid) => soilPrediction(pending!, uid, 0.3)));
  await storeSoilTruth(s, scored!.id, { surface: filled(0.2), rootzone: filled(0.2) });
  await submitGeoPredictions(s, range(4).map((uid) => ({ uid, hotkey: hotkeyOf(uid), queryTime: HOUR0, value: 0.1 * uid })));
  await submitGeoPredictions(s, range(4).map((uid) => ({ uid, hotkey: hotkeyOf(uid), queryTime: new Date(HOUR0.getTime() + 5 * DAY), value: 0 })));
  await storeGeoTruth(s, [{ hour: HOUR0, dst: 0 }]);
  await runSoilStep(s, { now: NOW });
  await runGeoStep(s, { now: NOW });
}

const ownedBy = (s: AnySession, uid: number, hotkey: string) =>
  s.query<{ table: string; n: number }>(
    `SELECT 'soil_predictions' AS table, count(*)::int AS n FROM soil_predictions WHERE miner_uid = $1 AND miner_hotkey = $2
     UNION ALL SELECT 'geo_predictions', count(*)::int FROM geo_predictions WHERE miner_uid = $1 AND miner_hotkey = $2
     UNION ALL SELECT 'soil_history', count(*)::int FROM soil_history WHERE miner_uid = $1 AND miner_hotkey = $2
     UNION ALL SELECT 'geo_history', count(*)::int FROM geo_history WHERE miner_uid = $1 AND miner_hotkey = $2`,
    [uid, hotkey],
  ).then((r) => Object.fromEntries(r.rows.map((x) => [x.table, x.n])));

describe('deregistration', () => {
  it("deletes the old hotkey's predictions and history and zeroes its past score entries", async () => {
    // Prepare
    await h.session(seedScoredMiners);
    const before = await h.session((s) => listScores(s, { limit: 100 }));
    expect(await h.session((s) => ownedBy(s, 1, hotkeyOf(1)))).toEqual({ soil_predictions: 1, geo_predictions: 1, soil_history: 1, geo_history: 1 });
    // Act: uid 1 changes hands
    const result = await h.session((s) => syncMetagraph(s, [...minerRows([0, 2, 3]), { uid: 1, hotkey: hotkeyOf(1, 1) }]));
    // Assess
    expect(result).toEqual({ upserted: 4, deregistered: [{ uid: 1, oldHotkey: hotkeyOf(1) }] });
    expect(await h.session((s) => ownedBy(s, 1, hotkeyOf(1)))).toEqual({ soil_predictions: 0, geo_predictions: 0, soil_history: 0, geo_history: 0 });
    expect(await h.session((s) => ownedBy(s, 2, hotkeyOf(2)))).toEqual({ soil_predictions: 1, geo_predictions: 1, soil_history: 1, geo_history: 1 });
    const after = await h.session((s) => listScores(s, { limit: 100 }));
    expect(after).toHaveLength(before.length);
    for (const [i, row] of after.entries()) {
      const old = before[i]!;
      expect(old.score[1]).toBeGreaterThan(0);
      expect(row.score[1]).toBe(0);
      expect(row.score.filter((_, uid) => uid !== 1)).toEqual(old.score.filter((_, uid) => uid !== 1));
    }
    expect((await h.session(counts)).miner_deregistrations).toBe(0);
  });

  it('handles a hotkey moving to another uid in the same sync without tripping the unique hotkey', async () => {
    // Prepare
    await h.session((s) => syncMetagraph(s, minerRows(range(4))));
    // Act: uid 3's hotkey now sits at uid 1; uid 3 gets a new one
    const result = await h.session((s) => syncMetagraph(s, [{ uid: 1, hotkey: hotkeyOf(3) }, { uid: 3, hotkey: hotkeyOf(3, 1) }]));
    // Assess
    expect(result.deregistered.sort((a, b) => a.uid - b.uid)).toEqual([
      { uid: 1, oldHotkey: hotkeyOf(1) },
      { uid: 3, oldHotkey: hotkeyOf(3) },
    ]);
    const miners = await h.session((s) => s.query<{ uid: number; hotkey: string }>('SELECT uid, hotkey FROM miners ORDER BY uid'));
    expect(miners.rows).toEqual([
      { uid: 0, hotkey: hotkeyOf(0) },
      { uid: 1, hotkey: hotkeyOf(3) },
      { uid: 2, hotkey: hotkeyOf(2) },
      { uid: 3, hotkey: hotkeyOf(3, 1) },
    ]);
  });

  it('leaves score rows created after the deregistration alone', async () => {
    // Prepare: one row from before, one from after the deregistration time
    await h.session((s) => syncMetagraph(s, minerRows(range(2))));
    const score = Array.from({ length: 256 }, (_, uid) => (uid < 2 ? 0.5 : Number.NaN));
    await h.session((s) =>
      s.transaction((tx) =>
        upsertScoreRows(tx, [
          { taskName: 'geomagnetic', taskTime: new Date('2025-01-01T00:00:00Z'), score, createdAt: new Date('2025-01-01T02:00:00Z') },
          { taskName: 'geomagnetic', taskTime: new Date('2025-01-03T00:00:00Z'), score, createdAt: new Date('2025-01-03T02:00:00Z') },
        ]),
      ),
    );
    // Act
    await h.session((s) => syncMetagraph(s, [{ uid: 0, hotkey: hotkeyOf(0, 1) }], { now: new Date('2025-01-02T00:00:00Z') }));
    // Assess
    const rows = await h.session((s) => listScores(s, { limit: 10 }));
    expect(rows.map((r) => [r.taskTime.toISOString(), r.score[0], r.score[1]])).toEqual([
      ['2025-01-03T00:00:00.000Z', 0.5, 0.5],
      ['2025-01-01T00:00:00.000Z', 0, 0.5],
    ]);
  });

  it('is resumed from the outbox when the purge did not run (sync inside a caller transaction)', async () => {
    // Prepare
    await h.session(seedScoredMiners);
    // Act 1: inside the caller's transaction no purge can run; the outbox keeps the work
    await h.session((s) => s.transaction((tx) => syncMetagraph(tx, [{ uid: 2, hotkey: hotkeyOf(2, 1) }])));
    const pending = await h.session(counts);
    const leftovers = await h.session((s) => ownedBy(s, 2, hotkeyOf(2)));
    // Act 2: the cleanup step finishes it, in batches of one row
    const cleanup = await h.session((s) => runCleanupStep(s, { now: NOW, batchSize: 1 }));
    // Assess
    expect(pending.miner_deregistrations).toBe(1);
    expect(leftovers).toEqual({ soil_predictions: 1, geo_predictions: 1, soil_history: 1, geo_history: 1 });
    expect(cleanup.purge).toMatchObject({ deregistrations: 1, soilPredictions: 1, geoPredictions: 1, soilHistory: 1, geoHistory: 1, scoreRowsZeroed: 2 });
    expect(await h.session((s) => ownedBy(s, 2, hotkeyOf(2)))).toEqual({ soil_predictions: 0, geo_predictions: 0, soil_history: 0, geo_history: 0 });
    expect((await h.session(counts)).miner_deregistrations).toBe(0);
    const rows = await h.session((s) => listScores(s, { limit: 10 }));
    expect(rows.every((r) => r.score[2] === 0)).toBe(true);
    // A second purge finds nothing to do
    expect(await h.session((s) => purgeDeregistrations(s))).toMatchObject({ deregistrations: 0, batches: 0 });
  });
});
