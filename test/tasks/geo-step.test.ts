// The geo step scores the predictions of hours that are over against the hour's truth, writes history and
// one score row per hour; predictions whose truth is missing wait (retry) and are given up in the end.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGeoStep } from '../../lib/tasks';
import { listScores, storeGeoTruth, submitGeoPredictions, type AnySession } from '../../lib/validator';
import { DAY, HOUR, hotkeyOf, pgHarness, pgliteHarness, range, seedMiners, snapshot, type Harness } from '../validator/fixtures';

const H0 = new Date('2025-04-01T10:00:00Z');
const H1 = new Date(H0.getTime() + HOUR);
const NOW = new Date(H0.getTime() + 2 * HOUR + 5 * 60_000); // 12:05: hours 10 and 11 are over, 12 is not

const geo = (uid: number, queryTime: Date, value: number) => ({ uid, hotkey: hotkeyOf(uid), queryTime, value });
const pending = (s: AnySession) =>
  s.query<{ miner_uid: number; query_time: Date; retry_count: number; next_retry_time: Date | null }>(
    'SELECT miner_uid, query_time, retry_count, next_retry_time FROM geo_predictions ORDER BY query_time, miner_uid',
  ).then((r) => r.rows);

describe.each([
  ['PostgreSQL', () => pgHarness('geo_step')],
  ['PGlite', () => pgliteHarness()],
])('geo step on %s', (_name, open) => {
  let h: Harness;
  beforeEach(async () => {
    h = await open();
    await h.session((s) => seedMiners(s, range(4)));
  });
  afterEach(async () => {
    await h.close();
  });

  it('scores every prediction of an hour with truth; the hour without truth waits; the running hour is left alone', async () => {
    // Prepare: truth -20 nT -> -0.2
    await h.session((s) => submitGeoPredictions(s, [geo(0, H0, -0.2), geo(1, H0, 0.3), geo(2, H0, 6), geo(0, H1, 0), geo(3, new Date(H1.getTime() + HOUR), 0)]));
    await h.session((s) => storeGeoTruth(s, [{ hour: H0, dst: -20 }]));
    // Act
    const summary = await h.session((s) => runGeoStep(s, { now: NOW, chunkSize: 2 }));
    // Assess
    expect(summary).toMatchObject({ processed: 4, scored: 3, retried: 1, gaveUp: 0, chunks: 2, stoppedBy: 'done' });
    const [row] = await h.session((s) => listScores(s, { task: 'geomagnetic', limit: 5 }));
    expect(row!.taskTime).toEqual(H0);
    expect(row!.score[0]).toBe(1); // exact
    expect(row!.score[1]).toBeCloseTo(Math.exp(-2.1), 12); // exp(-3.5 * 0.5) ** 1.2
    expect(row!.score[2]).toBe(0); // outside [-5, 5]
    expect(row!.score.slice(3).every(Number.isNaN)).toBe(true);
    const history = await h.session((s) => s.query<{ miner_uid: number; ground_truth_value: number; scored_at: Date }>('SELECT miner_uid, ground_truth_value, scored_at FROM geo_history ORDER BY miner_uid'));
    expect(history.rows).toEqual(range(3).map((uid) => ({ miner_uid: uid, ground_truth_value: -0.2, scored_at: NOW })));
    expect(await h.session(pending)).toEqual([
      { miner_uid: 0, query_time: H1, retry_count: 1, next_retry_time: new Date(NOW.getTime() + 10 * 60_000) },
      { miner_uid: 3, query_time: new Date(H1.getTime() + HOUR), retry_count: 0, next_retry_time: null },
    ]);
  });

  it('scores a waiting prediction once its truth arrives, and changes nothing when run again', async () => {
    // Prepare: first run without truth
    await h.session((s) => submitGeoPredictions(s, [geo(0, H1, 0.5), geo(1, H1, 0.4)]));
    await h.session((s) => runGeoStep(s, { now: NOW }));
    await h.session((s) => storeGeoTruth(s, [{ hour: H1, dst: 50 }]));
    const later = new Date(NOW.getTime() + HOUR);
    // Act
    const scored = await h.session((s) => runGeoStep(s, { now: later }));
    const before = await h.session(snapshot);
    const again = await h.session((s) => runGeoStep(s, { now: later }));
    // Assess
    expect(scored).toMatchObject({ processed: 2, scored: 2, retried: 0 });
    const [row] = await h.session((s) => listScores(s, { task: 'geomagnetic', limit: 1 }));
    expect(row!.score[0]).toBe(1);
    expect(row!.score[1]).toBeCloseTo(Math.exp(-0.42), 12); // exp(-3.5 * 0.1) ** 1.2
    expect(again).toMatchObject({ processed: 0, chunks: 0 });
    expect(await h.session(snapshot)).toEqual(before);
  });

  it('gives up after 10 retries, and on predictions older than 7 days', async () => {
    // Prepare: uid 0 has tried 10 times; uid 1 predicted an hour 8 days ago; uid 2 is on its 5th try
    const old = new Date(H0.getTime() - 8 * DAY);
    await h.session((s) => submitGeoPredictions(s, [geo(0, H0, 0), geo(1, old, 0), geo(2, H1, 0)]));
    await h.session((s) => s.transaction((tx) => tx.query('UPDATE geo_predictions SET retry_count = CASE miner_uid WHEN 0 THEN 10 WHEN 2 THEN 4 ELSE 0 END')));
    // Act
    const summary = await h.session((s) => runGeoStep(s, { now: NOW }));
    // Assess
    expect(summary).toMatchObject({ processed: 3, gaveUp: 2, retried: 1, scored: 0 });
    expect((await h.session(pending)).map((p) => [p.miner_uid, p.retry_count])).toEqual([[2, 5]]);
  });
});
