// Soil scoring math and retry policy. Expected values are worked by hand from the domain formulas.
import { describe, expect, it } from 'vitest';
import {
  flattenGrid,
  isDue,
  isGrid11,
  meanScoresByUid,
  nextRetry,
  rmse,
  scoreSoilPrediction,
  sigmoid,
  soilScore,
  unflattenGrid,
  type RetryState,
} from '../../lib/tasks/soil/math';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An 11x11 grid filled with one value. */
const filled = (v: number): number[][] => Array.from({ length: 11 }, () => Array<number>(11).fill(v));

describe('rmse', () => {
  it('is the constant difference when every pixel is off by the same amount', () => {
    // Prepare
    const truth = filled(0.2);
    const pred = filled(0.3);
    // Act
    const r = rmse(truth, pred);
    // Assess: every d = 0.1 -> sqrt(121 * 0.01 / 121) = 0.1
    expect(r).toBeCloseTo(0.1, 12);
  });

  it('is 0 for a perfect prediction', () => {
    expect(rmse(filled(0.25), filled(0.25))).toBe(0);
  });

  it('skips pixels that are NaN or infinite in either grid', () => {
    // Prepare: only (0,0) and (0,1) are valid in both
    const truth = [
      [0, 1],
      [Number.NaN, 2],
    ];
    const pred = [
      [0.3, 0.6],
      [5, Number.POSITIVE_INFINITY],
    ];
    // Act
    const r = rmse(truth, pred);
    // Assess: d = 0.3 and -0.4 -> sqrt((0.09 + 0.16) / 2) = sqrt(0.125) = 0.3535533906
    expect(r).toBeCloseTo(0.3535533906, 9);
  });

  it('is NaN when no pixel is valid in both grids', () => {
    // Prepare: truth valid only where pred is NaN, and the other way round
    const truth = [[1, Number.NaN]];
    const pred = [[Number.NaN, 1]];
    // Act / Assess
    expect(rmse(truth, pred)).toBeNaN();
    expect(rmse([], [])).toBeNaN();
    expect(rmse(filled(Number.NaN), filled(0.1))).toBeNaN();
  });

  it('grows with the error', () => {
    const truth = filled(0.2);
    expect(rmse(truth, filled(0.25))).toBeLessThan(rmse(truth, filled(0.3)));
  });
});

describe('sigmoid and soilScore', () => {
  it('sigmoid is 0.5 at beta and follows 1 / (1 + exp(10 (r - 0.1)))', () => {
    // r = 0.1: 1 / (1 + e^0) = 0.5
    expect(sigmoid(0.1)).toBe(0.5);
    // r = 0: 1 / (1 + e^-1) = 1 / 1.3678794412 = 0.7310585786
    expect(sigmoid(0)).toBeCloseTo(0.7310585786, 9);
    // r = 0.2: 1 / (1 + e^1) = 1 / 3.7182818285 = 0.2689414214
    expect(sigmoid(0.2)).toBeCloseTo(0.2689414214, 9);
    // custom alpha = 2, beta = 1 at r = 1: 1 / (1 + e^0) = 0.5
    expect(sigmoid(1, 2, 1)).toBe(0.5);
  });

  it('sigmoid decreases as the error grows', () => {
    const rs = [0, 0.05, 0.1, 0.2, 0.5, 1];
    const ss = rs.map((r) => sigmoid(r));
    for (let i = 1; i < ss.length; i++) expect(ss[i]).toBeLessThan(ss[i - 1] ?? Number.NaN);
  });

  it('soilScore weighs surface 0.6 and rootzone 0.4', () => {
    // both at beta: 0.6 * 0.5 + 0.4 * 0.5 = 0.5
    expect(soilScore({ surfaceRmse: 0.1, rootzoneRmse: 0.1 })).toBeCloseTo(0.5, 12);
    // 0.6 * 0.7310585786 + 0.4 * 0.2689414214 = 0.4386351472 + 0.1075765686 = 0.5462117157
    expect(soilScore({ surfaceRmse: 0, rootzoneRmse: 0.2 })).toBeCloseTo(0.5462117157, 9);
    // swapped: 0.6 * 0.2689414214 + 0.4 * 0.7310585786 = 0.1613648528 + 0.2924234314 = 0.4537882843
    expect(soilScore({ surfaceRmse: 0.2, rootzoneRmse: 0 })).toBeCloseTo(0.4537882843, 9);
  });

  it('soilScore is NaN when either RMSE is NaN', () => {
    expect(soilScore({ surfaceRmse: Number.NaN, rootzoneRmse: 0.1 })).toBeNaN();
    expect(soilScore({ surfaceRmse: 0.1, rootzoneRmse: Number.NaN })).toBeNaN();
  });
});

describe('isGrid11 and flattening', () => {
  it('accepts 11x11 numbers, NaN included', () => {
    const g = filled(0.1);
    g[3]![4] = Number.NaN;
    expect(isGrid11(g)).toBe(true);
  });

  it('rejects other shapes and non-numbers', () => {
    expect(isGrid11(filled(0.1).slice(1))).toBe(false); // 10 rows
    const ragged = filled(0.1);
    ragged[5] = Array<number>(12).fill(0.1);
    expect(isGrid11(ragged)).toBe(false);
    const withNull: unknown[][] = filled(0.1);
    withNull[0]![0] = null;
    expect(isGrid11(withNull)).toBe(false);
    const withString: unknown[][] = filled(0.1);
    withString[10]![10] = '0.1';
    expect(isGrid11(withString)).toBe(false);
    expect(isGrid11(null)).toBe(false);
    expect(isGrid11('grid')).toBe(false);
    expect(isGrid11(Array(121).fill(0))).toBe(false); // flat is not a grid
  });

  it('flattens row-major to 121 values and back', () => {
    // Prepare: cell (i, j) holds 11 i + j, so the flat index equals the value
    const g = Array.from({ length: 11 }, (_, i) => Array.from({ length: 11 }, (_, j) => 11 * i + j));
    // Act
    const flat = flattenGrid(g);
    // Assess
    expect(flat).toEqual(Array.from({ length: 121 }, (_, k) => k));
    expect(unflattenGrid(flat)).toEqual(g);
    expect(() => unflattenGrid([1, 2, 3])).toThrow(RangeError);
  });
});

describe('scoreSoilPrediction', () => {
  const truth = { surface: filled(0.2), rootzone: filled(0.3) };

  it('returns both RMSEs and the weighted total', () => {
    // Prepare: surface off by 0.1 everywhere, rootzone perfect
    const pred = { surface: filled(0.3), rootzone: filled(0.3) };
    // Act
    const result = scoreSoilPrediction(truth, pred);
    // Assess: 0.6 * sigmoid(0.1) + 0.4 * sigmoid(0) = 0.6 * 0.5 + 0.4 * 0.7310585786 = 0.3 + 0.2924234314
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.surfaceRmse).toBeCloseTo(0.1, 12);
    expect(result.rootzoneRmse).toBe(0);
    expect(result.total).toBeCloseTo(0.5924234315, 9);
  });

  it('reports wrong_shape for a malformed prediction', () => {
    expect(scoreSoilPrediction(truth, { surface: filled(0.2).slice(2), rootzone: filled(0.3) })).toEqual({
      ok: false,
      reason: 'wrong_shape',
    });
    expect(scoreSoilPrediction(truth, { surface: filled(0.2), rootzone: undefined })).toEqual({
      ok: false,
      reason: 'wrong_shape',
    });
  });

  it('reports no_valid_pixels when a layer has nothing to compare', () => {
    // Prepare: surface all NaN in the prediction
    const pred = { surface: filled(Number.NaN), rootzone: filled(0.3) };
    // Act / Assess
    expect(scoreSoilPrediction(truth, pred)).toEqual({ ok: false, reason: 'no_valid_pixels' });
  });

  it('throws on a truth grid of the wrong shape (an ingest bug, not the miner)', () => {
    const badTruth = { surface: filled(0.2).slice(1), rootzone: filled(0.3) };
    expect(() => scoreSoilPrediction(badTruth, { surface: filled(0.2), rootzone: filled(0.3) })).toThrow(TypeError);
  });
});

describe('meanScoresByUid', () => {
  it('averages over regions per uid and leaves the rest NaN', () => {
    // Prepare: uid 3 in two regions, uid 7 in one
    const entries = [
      { uid: 3, score: 0.2 },
      { uid: 3, score: 0.4 },
      { uid: 7, score: 0.9 },
    ];
    // Act
    const row = meanScoresByUid(entries);
    // Assess: uid 3 -> (0.2 + 0.4) / 2 = 0.3; uid 7 -> 0.9
    expect(row).toHaveLength(256);
    expect(row[3]).toBeCloseTo(0.3, 12);
    expect(row[7]).toBe(0.9);
    const others = Array.from(row).filter((_, uid) => uid !== 3 && uid !== 7);
    expect(others.every(Number.isNaN)).toBe(true);
  });

  it('ignores NaN scores rather than letting them poison the mean', () => {
    const row = meanScoresByUid([
      { uid: 1, score: Number.NaN },
      { uid: 1, score: 0.5 },
      { uid: 2, score: Number.NaN },
    ]);
    // uid 1: only 0.5 counts; uid 2: nothing valid -> NaN
    expect(row[1]).toBe(0.5);
    expect(row[2]).toBeNaN();
  });

  it('covers all 256 uids and the empty input', () => {
    // Prepare: uid u scores u / 255 in two regions and 0 in a third -> mean 2u / 765
    const entries = Array.from({ length: 256 }, (_, uid) => [
      { uid, score: uid / 255 },
      { uid, score: uid / 255 },
      { uid, score: 0 },
    ]).flat();
    // Act
    const row = meanScoresByUid(entries);
    // Assess
    expect(row[0]).toBe(0);
    expect(row[255]).toBeCloseTo(2 / 3, 12); // 2 * 255 / 765
    expect(row[51]).toBeCloseTo(0.1333333333, 9); // 2 * 51 / 765 = 102 / 765
    expect(Array.from(meanScoresByUid([])).every(Number.isNaN)).toBe(true);
  });

  it('rejects uids outside 0..255', () => {
    expect(() => meanScoresByUid([{ uid: 256, score: 1 }])).toThrow(RangeError);
    expect(() => meanScoresByUid([{ uid: -1, score: 1 }])).toThrow(RangeError);
    expect(() => meanScoresByUid([{ uid: 1.5, score: 1 }])).toThrow(RangeError);
  });
});

describe('retry policy', () => {
  const target = new Date('2026-01-01T01:30:00Z');
  const fresh: RetryState = { status: 'sent_to_miner', targetTime: target, retryCount: 0, nextRetryTime: null };
  const at = (ms: number) => new Date(target.getTime() + ms);

  it('a first attempt is due exactly 3 days after the target time', () => {
    expect(isDue(fresh, at(3 * DAY - 1))).toBe(false);
    expect(isDue(fresh, at(3 * DAY))).toBe(true);
    expect(isDue(fresh, at(5 * DAY))).toBe(true);
  });

  it('honours a custom scoring delay', () => {
    expect(isDue(fresh, at(HOUR), { scoringDelayMs: HOUR })).toBe(true);
    expect(isDue(fresh, at(HOUR - 1), { scoringDelayMs: HOUR })).toBe(false);
  });

  it('a scheduled retry is due when its time has come and retries remain', () => {
    // Prepare
    const retry: RetryState = { status: 'retry_scheduled', targetTime: target, retryCount: 9, nextRetryTime: at(4 * DAY) };
    // Act / Assess
    expect(isDue(retry, at(4 * DAY))).toBe(true);
    expect(isDue(retry, at(4 * DAY - 1))).toBe(false);
    expect(isDue({ ...retry, retryCount: 10 }, at(5 * DAY))).toBe(false);
  });

  it('never selects scored predictions, nor a retry status without a retry time', () => {
    expect(isDue({ ...fresh, status: 'scored' }, at(10 * DAY))).toBe(false);
    expect(isDue({ ...fresh, status: 'retry_scheduled' }, at(10 * DAY))).toBe(false);
  });

  it('schedules the next try with a backoff chosen by cause', () => {
    // Prepare
    const now = at(3 * DAY);
    // Act
    const missing = nextRetry(fresh, now, 'truth_missing');
    const fetch = nextRetry({ ...fresh, retryCount: 4 }, now, 'truth_fetch_failed');
    const failed = nextRetry(fresh, now, 'scoring_failed');
    // Assess: 1 h, 2 h, 4 h after now; the count goes up by one
    expect(missing).toEqual({
      action: 'retry',
      status: 'retry_scheduled',
      retryCount: 1,
      nextRetryTime: new Date(now.getTime() + HOUR),
      errorMessage: 'truth_missing',
    });
    expect(fetch).toMatchObject({ action: 'retry', retryCount: 5, nextRetryTime: new Date(now.getTime() + 2 * HOUR) });
    expect(failed).toMatchObject({ action: 'retry', retryCount: 1, nextRetryTime: new Date(now.getTime() + 4 * HOUR) });
  });

  it('gives up after 10 retries', () => {
    const now = at(4 * DAY);
    expect(nextRetry({ ...fresh, retryCount: 9 }, now, 'truth_missing')).toMatchObject({ action: 'retry', retryCount: 10 });
    expect(nextRetry({ ...fresh, retryCount: 10 }, now, 'truth_missing')).toEqual({ action: 'give_up', reason: 'max_retries' });
  });

  it('gives up once the target time is older than 7 days', () => {
    expect(nextRetry(fresh, at(7 * DAY), 'truth_missing')).toMatchObject({ action: 'retry' });
    expect(nextRetry(fresh, at(7 * DAY + 1), 'truth_missing')).toEqual({ action: 'give_up', reason: 'too_old' });
  });
});
