// The soil step scores due predictions against their region's truth, moves them to history and writes one
// score row per target time: the mean per uid over ALL regions of that time, also across chunks and runs.
// Expected values are worked by hand from the domain formulas (sigmoid alpha 10, beta 0.1; 0.6/0.4).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSoilStep } from '../../lib/tasks';
import { listScores, storeSoilTruth, submitSoilPredictions, type AnySession } from '../../lib/validator';
import { DAY, filled, pgHarness, pgliteHarness, range, seedMiners, seedRegions, snapshot, soilPrediction, type Harness } from '../validator/fixtures';

// sigmoid(rmse) for the three errors used here: 1 / (1 + e^(10 (r - 0.1)))
const S0 = 0.7310585786300049; // r = 0:   1 / (1 + e^-1)
const S1 = 0.5; //                r = 0.1: 1 / (1 + e^0)
const S2 = 0.2689414213699951; // r = 0.2: 1 / (1 + e^1)

const T1 = new Date('2025-04-01T01:30:00Z');
const T2 = new Date('2025-04-01T07:30:00Z');
const NOW = new Date('2025-04-04T08:00:00Z'); // T1 and T2 are 3 days old: due
const T_RECENT = new Date(NOW.getTime() - 2 * DAY); // not due yet

async function seed(s: AnySession) {
  await seedMiners(s, range(4));
  const [r1a, r1b, r2a, recent] = await seedRegions(s, [T1], 2).then(async (a) => [...a, ...(await seedRegions(s, [T2, T_RECENT], 1))]);
  const nanSurface = { ...soilPrediction(r1b!, 2, 0.2), surfaceSm: filled(Number.NaN) };
  // Submission order = id order = chunk order with chunkSize 2: T1 spans two chunks.
  await submitSoilPredictions(s, [soilPrediction(r1a!, 0, 0.2, 0.3), soilPrediction(r1a!, 1, 0.4, 0.3)]);
  await submitSoilPredictions(s, [soilPrediction(r1b!, 0, 0.3, 0.3), nanSurface]);
  await submitSoilPredictions(s, [soilPrediction(r2a!, 1, 0.2, 0.3), soilPrediction(recent!, 3, 0.2, 0.3)]);
  for (const r of [r1a!, r1b!, r2a!, recent!]) await storeSoilTruth(s, r.id, { surface: filled(0.2), rootzone: filled(0.3) });
  return { r1a: r1a!, r1b: r1b!, r2a: r2a!, recent: recent! };
}

describe.each([
  ['PostgreSQL', () => pgHarness('soil_step')],
  ['PGlite', () => pgliteHarness()],
])('soil step on %s', (_name, open) => {
  let h: Harness;
  beforeEach(async () => {
    h = await open();
  });
  afterEach(async () => {
    await h.close();
  });

  it('scores due predictions, discards empty ones and averages each uid over the regions of a target time', async () => {
    // Prepare
    const regions = await h.session(seed);
    // Act
    const summary = await h.session((s) => runSoilStep(s, { now: NOW, chunkSize: 2 }));
    // Assess: the summary
    expect(summary).toMatchObject({ processed: 5, scored: 4, discarded: 1, retried: 0, gaveUp: 0, chunks: 3, stoppedBy: 'done' });
    // History: one row per scored prediction, RMSEs and totals as worked by hand, truth copied
    const history = await h.session((s) =>
      s.query<{ region_id: string | number; miner_uid: number; surface_rmse: number; rootzone_rmse: number; score: number; scored_at: Date; surface_sm_truth: number[] }>(
        'SELECT region_id, miner_uid, surface_rmse, rootzone_rmse, score, scored_at, surface_sm_truth FROM soil_history ORDER BY region_id, miner_uid',
      ),
    );
    const got = history.rows.map((r) => [Number(r.region_id), r.miner_uid, r.surface_rmse, r.rootzone_rmse, r.score]);
    const expected = [
      [regions.r1a.id, 0, 0, 0, 0.6 * S0 + 0.4 * S0],
      [regions.r1a.id, 1, 0.2, 0, 0.6 * S2 + 0.4 * S0],
      [regions.r1b.id, 0, 0.1, 0, 0.6 * S1 + 0.4 * S0],
      [regions.r2a.id, 1, 0, 0, 0.6 * S0 + 0.4 * S0],
    ];
    expect(got).toHaveLength(4);
    got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 12)));
    expect(history.rows.every((r) => r.scored_at.getTime() === NOW.getTime() && r.surface_sm_truth.every((v) => v === 0.2))).toBe(true);
    // Predictions: the scored and the discarded are gone; the one not yet due stays untouched
    const left = await h.session((s) => s.query<{ miner_uid: number; status: string }>('SELECT miner_uid, status FROM soil_predictions'));
    expect(left.rows).toEqual([{ miner_uid: 3, status: 'sent_to_miner' }]);
    // Score rows: T1 combines both regions for uid 0 (scored in two different chunks)
    const rows = await h.session((s) => listScores(s, { task: 'soil_moisture', limit: 10 }));
    expect(rows.map((r) => r.taskTime)).toEqual([T2, T1]);
    const [t2, t1] = rows;
    expect(t1!.score[0]).toBeCloseTo((S0 + (0.6 * S1 + 0.4 * S0)) / 2, 12);
    expect(t1!.score[1]).toBeCloseTo(0.6 * S2 + 0.4 * S0, 12);
    expect(Number.isNaN(t1!.score[2])).toBe(true); // discarded, never scored
    expect(Number.isNaN(t1!.score[3])).toBe(true);
    expect(t1!.score.slice(4).every(Number.isNaN)).toBe(true);
    expect(t2!.score[1]).toBeCloseTo(S0, 12);
    expect(t2!.score.filter(Number.isFinite)).toHaveLength(1);
    expect(t1!.createdAt).toEqual(NOW);
  });

  it("writes a time's score row once, in the chunk that leaves none of the time due", async () => {
    // Prepare: T1 spans chunks 1 and 2
    await h.session(seed);
    // Act: a run stopped after chunk 1, then one to the end
    const first = await h.session((s) => runSoilStep(s, { now: NOW, chunkSize: 2, maxChunks: 1 }));
    const rowsBetween = await h.session((s) => listScores(s, { task: 'soil_moisture', limit: 10 }));
    const second = await h.session((s) => runSoilStep(s, { now: NOW, chunkSize: 2 }));
    // Assess: no partial row of T1 in between; then one write per time, both regions of T1 in it
    expect(first).toMatchObject({ scored: 2, scoreRows: 0, stoppedBy: 'max_chunks' });
    expect(rowsBetween).toEqual([]);
    expect(second).toMatchObject({ scored: 2, chunks: 2, scoreRows: 2 });
    const [t2, t1] = await h.session((s) => listScores(s, { task: 'soil_moisture', limit: 10 }));
    expect(t1!.taskTime).toEqual(T1);
    expect(t1!.score[0]).toBeCloseTo((S0 + (0.6 * S1 + 0.4 * S0)) / 2, 12);
    expect(t2!.score[1]).toBeCloseTo(S0, 12);
  });

  it('changes nothing when run again', async () => {
    // Prepare
    await h.session(seed);
    await h.session((s) => runSoilStep(s, { now: NOW, chunkSize: 2 }));
    const before = await h.session(snapshot);
    // Act
    const again = await h.session((s) => runSoilStep(s, { now: NOW, chunkSize: 2 }));
    // Assess
    expect(again).toMatchObject({ processed: 0, chunks: 0, stoppedBy: 'done' });
    expect(await h.session(snapshot)).toEqual(before);
  });
});
