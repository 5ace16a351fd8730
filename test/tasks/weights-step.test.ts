// The weights step reads the score rows of the lookback window, computes the vector with the math, and
// stores it with its window; a re-run at the same time replaces it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWeightsStep } from '../../lib/tasks';
import { computeWeights } from '../../lib/tasks/scoring/math';
import { latestWeights, upsertScoreRows, type ScoreRowInput } from '../../lib/validator';
import { counts, DAY, HOUR, pgHarness, pgliteHarness, type Harness } from '../validator/fixtures';

const NOW = new Date('2025-04-10T00:00:00Z');
const vector = (f: (uid: number) => number) => Array.from({ length: 256 }, (_, uid) => f(uid));

const rows: ScoreRowInput[] = [
  // inside the 3-day window
  { taskName: 'geomagnetic', taskTime: new Date(NOW.getTime() - 2 * HOUR), score: vector((u) => (u < 10 ? 1 - u / 10 : Number.NaN)), createdAt: new Date(NOW.getTime() - HOUR) },
  { taskName: 'geomagnetic', taskTime: new Date(NOW.getTime() - 26 * HOUR), score: vector((u) => (u < 10 ? 0.5 : Number.NaN)), createdAt: new Date(NOW.getTime() - DAY) },
  { taskName: 'soil_moisture', taskTime: new Date(NOW.getTime() - 3 * DAY - 6 * HOUR), score: vector((u) => (u >= 5 && u < 15 ? u / 20 : Number.NaN)), createdAt: new Date(NOW.getTime() - 2 * DAY) },
  // outside: too old, and created after NOW
  { taskName: 'geomagnetic', taskTime: new Date(NOW.getTime() - 5 * DAY), score: vector(() => 1), createdAt: new Date(NOW.getTime() - 4 * DAY) },
  { taskName: 'soil_moisture', taskTime: new Date(NOW.getTime() - 3 * DAY), score: vector(() => 1), createdAt: new Date(NOW.getTime() + HOUR) },
];

describe.each([
  ['PostgreSQL', () => pgHarness('weights_step')],
  ['PGlite', () => pgliteHarness()],
])('weights step on %s', (_name, open) => {
  let h: Harness;
  beforeEach(async () => {
    h = await open();
    await h.session((s) => s.transaction((tx) => upsertScoreRows(tx, rows)));
  });
  afterEach(async () => {
    await h.close();
  });

  it('computes the vector of the rows in the window and stores it with that window', async () => {
    // Prepare: what the math gives for exactly the three rows inside the window
    const expected = computeWeights({
      geoRows: rows.slice(0, 2).map((r) => ({ createdAt: r.createdAt!, score: r.score })),
      soilRows: rows.slice(2, 3).map((r) => ({ createdAt: r.createdAt!, score: r.score })),
      now: NOW,
      lookbackDays: 3,
    });
    // Act
    const summary = await h.session((s) => runWeightsStep(s, { now: NOW }));
    // Assess
    expect(summary).toMatchObject({ geoRows: 2, soilRows: 1, weighted: 15, windowStart: new Date(NOW.getTime() - 3 * DAY), windowEnd: NOW, roundTrips: 4 });
    const stored = await h.session(latestWeights);
    expect(stored).toMatchObject({ computedAt: NOW, windowStart: new Date(NOW.getTime() - 3 * DAY), windowEnd: NOW });
    expect(stored!.inputs).toMatchObject({ geoRows: 2, soilRows: 1, lookbackDays: 3, firstTaskTime: rows[2]!.taskTime.toISOString(), lastTaskTime: rows[0]!.taskTime.toISOString() });
    stored!.weights.forEach((w, uid) => expect(w).toBeCloseTo(expected[uid]!, 12));
    expect(stored!.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('honours a shorter lookback, and replaces its vector when re-run at the same time', async () => {
    // Act
    const first = await h.session((s) => runWeightsStep(s, { now: NOW, lookbackDays: 1 }));
    const second = await h.session((s) => runWeightsStep(s, { now: NOW, lookbackDays: 1 }));
    // Assess: only the newest geo row and the one a day old count
    expect(first).toMatchObject({ geoRows: 2, soilRows: 0, weighted: 10 });
    expect(second.weightsId).toBe(first.weightsId);
    expect((await h.session(counts)).weights).toBe(1);
  });
});
