// Missing ground truth: the soil step schedules a retry (1 h later, count + 1), scores once the truth is
// there, and gives up (deletes) after the last retry or when the target time is older than 7 days.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSoilStep } from '../../lib/tasks';
import { listScores, storeSoilTruth, submitSoilPredictions, type AnySession } from '../../lib/validator';
import { DAY, filled, HOUR, pgHarness, range, seedMiners, seedRegions, soilPrediction, type Harness } from '../validator/fixtures';

const T = new Date('2025-04-01T13:30:00Z');
const NOW = new Date(T.getTime() + 3 * DAY + HOUR);

type Row = { miner_uid: number; status: string; retry_count: number; next_retry_time: Date | null; retry_error_message: string | null };
const predictions = (s: AnySession) =>
  s.query<Row>('SELECT miner_uid, status, retry_count, next_retry_time, retry_error_message FROM soil_predictions ORDER BY miner_uid').then((r) => r.rows);

let h: Harness;
beforeEach(async () => {
  h = await pgHarness('soil_retry');
  await h.session((s) => seedMiners(s, range(3)));
});
afterEach(async () => {
  await h.close();
});

describe('soil step retries', () => {
  it('schedules a retry without truth, waits for its time, then scores once the truth arrived', async () => {
    // Prepare
    const [region] = await h.session((s) => seedRegions(s, [T], 1));
    await h.session((s) => submitSoilPredictions(s, range(3).map((uid) => soilPrediction(region!, uid, 0.2))));
    // Act 1: no truth yet
    const first = await h.session((s) => runSoilStep(s, { now: NOW }));
    const afterFirst = await h.session(predictions);
    // Act 2: half an hour later the retry is not due
    const early = await h.session((s) => runSoilStep(s, { now: new Date(NOW.getTime() + HOUR / 2) }));
    // Act 3: the truth arrives; an hour later the retry scores
    await h.session((s) => storeSoilTruth(s, region!.id, { surface: filled(0.2), rootzone: filled(0.2) }));
    const later = await h.session((s) => runSoilStep(s, { now: new Date(NOW.getTime() + HOUR) }));
    // Assess
    expect(first).toMatchObject({ processed: 3, retried: 3, scored: 0, scoreRows: 0 });
    expect(afterFirst).toEqual(
      range(3).map((uid) => ({ miner_uid: uid, status: 'retry_scheduled', retry_count: 1, next_retry_time: new Date(NOW.getTime() + HOUR), retry_error_message: 'truth_missing' })),
    );
    expect(early).toMatchObject({ processed: 0 });
    expect(later).toMatchObject({ processed: 3, scored: 3, retried: 0 });
    expect(await h.session(predictions)).toEqual([]);
    const [row] = await h.session((s) => listScores(s, { task: 'soil_moisture', limit: 1 }));
    expect(row!.score.slice(0, 3)).toEqual([0.7310585786300049, 0.7310585786300049, 0.7310585786300049]);
  });

  it('gives up after the last retry, and on a target time older than 7 days', async () => {
    // Prepare: uid 0 has used all 10 retries; uid 1 is on its 9th; uid 2 answered a region 8 days old
    const [region] = await h.session((s) => seedRegions(s, [T], 1));
    const [old] = await h.session((s) => seedRegions(s, [new Date(NOW.getTime() - 8 * DAY)], 1));
    await h.session((s) => submitSoilPredictions(s, [soilPrediction(region!, 0, 0.2), soilPrediction(region!, 1, 0.2), soilPrediction(old!, 2, 0.2)]));
    await h.session((s) =>
      s.transaction((tx) =>
        tx.query("UPDATE soil_predictions SET status = 'retry_scheduled', retry_count = CASE miner_uid WHEN 0 THEN 10 ELSE 9 END, next_retry_time = $1 WHERE miner_uid < 2", [NOW]),
      ),
    );
    // Act
    const summary = await h.session((s) => runSoilStep(s, { now: NOW }));
    // Assess: uid 0 and uid 2 given up (deleted); uid 1 gets its 10th and last retry
    expect(summary).toMatchObject({ processed: 3, gaveUp: 2, retried: 1, scored: 0 });
    expect(await h.session(predictions)).toEqual([
      { miner_uid: 1, status: 'retry_scheduled', retry_count: 10, next_retry_time: new Date(NOW.getTime() + HOUR), retry_error_message: 'truth_missing' },
    ]);
  });

  it('treats a truth layer without any pixel as missing truth, and an empty prediction as junk', async () => {
    // Prepare: region a has a truth whose rootzone is all NaN; region b has full truth but uid 1 sent all NaN
    const [a, b] = await h.session((s) => seedRegions(s, [T], 2));
    await h.session((s) => submitSoilPredictions(s, [soilPrediction(a!, 0, 0.2), { ...soilPrediction(b!, 1, 0.2), rootzoneSm: filled(Number.NaN) }]));
    await h.session((s) => storeSoilTruth(s, a!.id, { surface: filled(0.2), rootzone: filled(Number.NaN) }));
    await h.session((s) => storeSoilTruth(s, b!.id, { surface: filled(0.2), rootzone: filled(0.2) }));
    // Act
    const summary = await h.session((s) => runSoilStep(s, { now: NOW }));
    // Assess
    expect(summary).toMatchObject({ processed: 2, retried: 1, discarded: 1, scored: 0 });
    expect((await h.session(predictions)).map((p) => [p.miner_uid, p.status])).toEqual([[0, 'retry_scheduled']]);
  });
});
