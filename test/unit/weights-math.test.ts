// Main scoring math (score rows -> weights). Expected values are worked by hand from the formulas.
import { describe, expect, it } from 'vitest';
import {
  combine,
  computeWeights,
  decayWeightedMean,
  logisticCurve,
  normalizeByMax,
  percentile90OfPositives,
  type ScoreRowSample,
} from '../../lib/tasks/scoring/math';

const DAY = 86_400_000;
const NOW = new Date('2026-03-10T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);

/** A 256-entry score row, NaN except the given uids. */
function row(scores: Record<number, number>, createdAt = NOW): ScoreRowSample {
  const score = new Float64Array(256).fill(Number.NaN);
  for (const [uid, v] of Object.entries(scores)) score[Number(uid)] = v;
  return { createdAt, score };
}

const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((s, x) => s + x, 0);

describe('decayWeightedMean', () => {
  it('is NaN (missing) for no samples', () => {
    expect(decayWeightedMean([])).toBeNaN();
  });

  it('is the value itself for one sample, whatever its age', () => {
    expect(decayWeightedMean([{ ageDays: 0, value: 0.8 }])).toBe(0.8);
    expect(decayWeightedMean([{ ageDays: 2.5, value: 0.8 }])).toBeCloseTo(0.8, 12);
  });

  it('halves the weight per day of age', () => {
    // weights 1 and 0.5: (1 * 1 + 0.5 * 0) / 1.5 = 2/3
    expect(decayWeightedMean([{ ageDays: 0, value: 1 }, { ageDays: 1, value: 0 }])).toBeCloseTo(2 / 3, 12);
    // (1 * 0 + 0.5 * 1) / 1.5 = 1/3
    expect(decayWeightedMean([{ ageDays: 0, value: 0 }, { ageDays: 1, value: 1 }])).toBeCloseTo(1 / 3, 12);
    // weights 0.5 and 0.25: (0.5 * 0.4 + 0.25 * 1) / 0.75 = 0.45 / 0.75 = 0.6
    expect(decayWeightedMean([{ ageDays: 1, value: 0.4 }, { ageDays: 2, value: 1 }])).toBeCloseTo(0.6, 12);
  });

  it('counts NaN as 0', () => {
    // weights 1 and 0.25: (1 * 0 + 0.25 * 1) / 1.25 = 0.2
    expect(decayWeightedMean([{ ageDays: 0, value: Number.NaN }, { ageDays: 2, value: 1 }])).toBeCloseTo(0.2, 12);
    expect(decayWeightedMean([{ ageDays: 0, value: Number.NaN }])).toBe(0);
  });

  it('treats a negative age (clock skew) as age 0', () => {
    // same as ages 0 and 1: 2/3
    expect(decayWeightedMean([{ ageDays: -1, value: 1 }, { ageDays: 1, value: 0 }])).toBeCloseTo(2 / 3, 12);
  });
});

describe('combine', () => {
  it('averages two present scores', () => {
    // 0.5 * 0.4 + 0.5 * 0.6 = 0.5
    expect(combine(0.4, 0.6)).toBeCloseTo(0.5, 12);
  });

  it('halves the other score when one is missing or 0', () => {
    expect(combine(Number.NaN, 0.6)).toBeCloseTo(0.3, 12);
    expect(combine(0, 0.6)).toBeCloseTo(0.3, 12);
    expect(combine(0.4, Number.NaN)).toBeCloseTo(0.2, 12);
    expect(combine(0.4, 0)).toBeCloseTo(0.2, 12);
  });

  it('is 0 when both are missing or 0', () => {
    expect(combine(Number.NaN, Number.NaN)).toBe(0);
    expect(combine(0, 0)).toBe(0);
    expect(combine(0, Number.NaN)).toBe(0);
  });
});

describe('normalizeByMax', () => {
  it('divides by the largest value', () => {
    expect(Array.from(normalizeByMax([1, 2, 4, 0]))).toEqual([0.25, 0.5, 1, 0]);
  });

  it('maps NaN and negative entries to 0', () => {
    expect(Array.from(normalizeByMax([Number.NaN, -2, 0.5]))).toEqual([0, 0, 1]);
  });

  it('returns zeros when nothing is positive, and an empty array for no input', () => {
    expect(Array.from(normalizeByMax([0, 0, Number.NaN]))).toEqual([0, 0, 0]);
    expect(normalizeByMax([])).toHaveLength(0);
  });
});

describe('logisticCurve', () => {
  it('at x = M the curve part is k / (1 + Q) ** (1 / v)', () => {
    // 0.9 / 5 ** (5/3) + 0.029 * 1 = 0.9 / 14.6200886911 + 0.029 = 0.0615591341 + 0.029 = 0.0905591341
    expect(logisticCurve(1, { M: 1 })).toBeCloseTo(0.0905591341, 9);
  });

  it('approaches k + slope * x far above M and the tilt alone far below', () => {
    // x = 1, M = 0: 1 + 4 e^-25 ~ 1 + 5.6e-11, so 0.9 / 1 + 0.029 = 0.929
    expect(logisticCurve(1, { M: 0 })).toBeCloseTo(0.929, 9);
    // x = 0.1, M = 1: 1 + 4 e^22.5 ~ 2.4e10, ** (5/3) ~ 2e17 -> ~0; only 0.029 * 0.1 = 0.0029 remains
    expect(logisticCurve(0.1, { M: 1 })).toBeCloseTo(0.0029, 9);
  });

  it('uses every parameter given', () => {
    // a = 0.1, k = 1.1, Q = 1, v = 1, b = 1, slope = 0 at x = M = 0: 0.1 + 1 / (1 + 1) ** 1 = 0.6
    expect(logisticCurve(0, { M: 0, a: 0.1, k: 1.1, Q: 1, v: 1, b: 1, slope: 0 })).toBeCloseTo(0.6, 12);
  });

  it('increases with x', () => {
    const xs = [0.1, 0.5, 0.8, 0.9, 0.95, 1];
    const ys = xs.map((x) => logisticCurve(x, { M: 0.9 }));
    for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeGreaterThan(ys[i - 1] ?? Number.NaN);
  });
});

describe('percentile90OfPositives', () => {
  it('interpolates linearly between closest ranks', () => {
    // 1..10: rank 0.9 * 9 = 8.1 -> 9 + 0.1 * (10 - 9) = 9.1
    expect(percentile90OfPositives([3, 1, 2, 10, 4, 5, 6, 7, 8, 9])).toBeCloseTo(9.1, 12);
    // [1, 3]: rank 0.9 -> 1 + 0.9 * 2 = 2.8
    expect(percentile90OfPositives([3, 1])).toBeCloseTo(2.8, 12);
  });

  it('ignores zeros, negatives and NaN', () => {
    expect(percentile90OfPositives([0, -3, Number.NaN, 3, 0, 1])).toBeCloseTo(2.8, 12);
    expect(percentile90OfPositives([0, 0.7, 0])).toBe(0.7);
  });

  it('is NaN with no positive value', () => {
    expect(percentile90OfPositives([])).toBeNaN();
    expect(percentile90OfPositives([0, -1, Number.NaN])).toBeNaN();
  });
});

describe('computeWeights', () => {
  it('is all zeros with no rows, or when every score is 0 or NaN', () => {
    // Prepare
    const zeros = row(Object.fromEntries(Array.from({ length: 256 }, (_, uid) => [uid, 0])));
    // Act
    const none = computeWeights({ geoRows: [], soilRows: [], now: NOW, lookbackDays: 3 });
    const allZero = computeWeights({ geoRows: [zeros], soilRows: [row({})], now: NOW, lookbackDays: 3 });
    // Assess
    expect(none).toHaveLength(256);
    expect(sum(none)).toBe(0);
    expect(sum(allZero)).toBe(0);
  });

  it('gives one scoring miner the whole weight', () => {
    // geo: uid 5 = 0.8, the rest NaN -> 0; soil missing -> combined 0.4 -> normalised 1 -> all of it
    const w = computeWeights({ geoRows: [row({ 5: 0.8 })], soilRows: [], now: NOW, lookbackDays: 3 });
    expect(w[5]).toBeCloseTo(1, 12);
    expect(sum(w)).toBeCloseTo(1, 12);
    expect(Array.from(w).filter((v) => v !== 0)).toHaveLength(1);
  });

  it('works two miners through every step', () => {
    // Prepare: geo only, uid 0 = 1, uid 1 = 0.5
    const input = { geoRows: [row({ 0: 1, 1: 0.5 })], soilRows: [], now: NOW, lookbackDays: 3 };
    // Act
    const w = computeWeights(input);
    // Assess, by hand:
    //   combined = 0.5 * [1, 0.5] = [0.5, 0.25]; normalised = [1, 0.5]
    //   M = p90 of [0.5, 1] = 0.5 + 0.9 * 0.5 = 0.95
    //   c(1)   = 0.9 / (1 + 4 e^(-25 * 0.05)) ** (5/3) + 0.029
    //          = 0.9 / 2.1460191874 ** (5/3) + 0.029 = 0.9 / 3.5704476330 + 0.029 = 0.2810692340
    //   c(0.5) = 0.9 / (1 + 4 e^11.25) ** (5/3) + 0.0145 = 0.9 / 1.4e9 + 0.0145 = 0.0145000006
    //   w0 = 0.2810692340 / 0.2955692346 = 0.9509421180; w1 = 0.0145000006 / 0.2955692346 = 0.0490578820
    expect(w[0]).toBeCloseTo(0.950942118, 8);
    expect(w[1]).toBeCloseTo(0.049057882, 8);
    expect(sum(w)).toBeCloseTo(1, 12);
  });

  it('decay-weights rows by age inside the window and drops rows outside it', () => {
    // Prepare: uid 0 -> (1 * 1 + 0.5 * 0) / 1.5 = 2/3; uid 1 -> (1 * 0 + 0.5 * 1) / 1.5 = 1/3.
    // Normalised [1, 0.5] as in the two-miner case, so the weights must match it.
    // uid 2 only scores in a row 4 days old, outside a 3-day window.
    const geoRows = [row({ 0: 1 }, daysAgo(0)), row({ 0: 0, 1: 1 }, daysAgo(1)), row({ 2: 1 }, daysAgo(4))];
    // Act
    const w = computeWeights({ geoRows, soilRows: [], now: NOW, lookbackDays: 3 });
    // Assess
    expect(w[0]).toBeCloseTo(0.950942118, 8);
    expect(w[1]).toBeCloseTo(0.049057882, 8);
    expect(w[2]).toBe(0);
  });

  it('combines both tasks per uid', () => {
    // Prepare: uid 0 geo 0.6 + soil 0.4 -> 0.5; uid 1 geo only 0.5 -> 0.25; uid 2 soil only 0.5 -> 0.25
    const geoRows = [row({ 0: 0.6, 1: 0.5 })];
    const soilRows = [row({ 0: 0.4, 2: 0.5 }, daysAgo(0.5))];
    // Act
    const w = computeWeights({ geoRows, soilRows, now: NOW, lookbackDays: 1 });
    // Assess, by hand:
    //   normalised [1, 0.5, 0.5]; M = p90 of [0.5, 0.5, 1]: rank 1.8 -> 0.5 + 0.8 * 0.5 = 0.9
    //   c(1)   = 0.9 / (1 + 4 e^-2.5) ** (5/3) + 0.029 = 0.9 / 1.3283399945 ** (5/3) + 0.029
    //          = 0.9 / 1.6051492299 + 0.029 = 0.5896955311
    //   c(0.5) = 0.9 / (1 + 4 e^10) ** (5/3) + 0.0145 = 0.9 / 1.7445e8 + 0.0145 = 0.0145000052
    //   total  = 0.5896955311 + 2 * 0.0145000052 = 0.6186955415
    //   w0 = 0.9531271710; w1 = w2 = 0.0145000052 / 0.6186955415 = 0.0234364145
    expect(w[0]).toBeCloseTo(0.953127171, 8);
    expect(w[1]).toBeCloseTo(0.0234364145, 8);
    expect(w[2]).toBeCloseTo(w[1] ?? Number.NaN, 12);
    expect(sum(w)).toBeCloseTo(1, 12);
  });

  it('handles all 256 miners: sums to 1, keeps the order of the scores', () => {
    // Prepare: uid u scores (u + 1) / 256 in geo and in soil
    const scores = Object.fromEntries(Array.from({ length: 256 }, (_, uid) => [uid, (uid + 1) / 256]));
    // Act
    const w = computeWeights({ geoRows: [row(scores)], soilRows: [row(scores)], now: NOW, lookbackDays: 3 });
    // Assess
    expect(sum(w)).toBeCloseTo(1, 12);
    for (let uid = 1; uid < 256; uid++) expect(w[uid]).toBeGreaterThan(w[uid - 1] ?? Number.NaN);
    expect(Array.from(w).every((v) => v > 0)).toBe(true);
  });

  it('rewards a better score with a larger share (monotonicity)', () => {
    // Prepare: the same field, once with uid 0 at 0.5 and once at 0.7
    const base = { 0: 0.5, 1: 0.6, 2: 0.8, 3: 0.9 };
    const better = { ...base, 0: 0.7 };
    // Act
    const before = computeWeights({ geoRows: [row(base)], soilRows: [], now: NOW, lookbackDays: 3 });
    const after = computeWeights({ geoRows: [row(better)], soilRows: [], now: NOW, lookbackDays: 3 });
    // Assess
    expect(after[0]).toBeGreaterThan(before[0] ?? Number.NaN);
    expect(sum(after)).toBeCloseTo(1, 12);
  });

  it('accepts score rows shorter than 256 (missing uids count as 0)', () => {
    const w = computeWeights({
      geoRows: [{ createdAt: NOW, score: [0, 0.4] }],
      soilRows: [],
      now: NOW,
      lookbackDays: 3,
    });
    expect(w[1]).toBeCloseTo(1, 12);
    expect(w[200]).toBe(0);
  });
});
