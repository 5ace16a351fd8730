// Main scoring: score rows of both tasks -> one weight per uid. Pure functions, no I/O.
// Formulas follow the domain reference ("Main scoring (weights)").

export const UID_COUNT = 256;
const DAY_MS = 86_400_000;

/**
 * Decay-weighted mean with weight exp(-ageDays * ln 2) (half-life one day).
 * A NaN (or otherwise non-finite) value counts as 0: a miner that did not answer is not excused.
 * Empty input -> NaN, meaning "missing" (the task has no rows), which combine() tells apart from 0.
 * A negative age (row stamped slightly in the future by clock skew) is taken as 0 so no weight exceeds 1.
 */
export function decayWeightedMean(samples: readonly { ageDays: number; value: number }[]): number {
  if (samples.length === 0) return Number.NaN;
  let weighted = 0;
  let total = 0;
  for (const { ageDays, value } of samples) {
    const w = Math.exp(-Math.max(ageDays, 0) * Math.LN2);
    weighted += w * (Number.isFinite(value) ? value : 0);
    total += w;
  }
  // Ages of thousands of days underflow every weight to 0; nothing to average then.
  return total > 0 ? weighted / total : Number.NaN;
}

/**
 * w = 0.5 * geo + 0.5 * soil; when one is missing (NaN) or 0, w = 0.5 * the other; both -> 0.
 * (The special cases agree with the plain formula reading missing as 0; they are spelled out
 * to match the reference.)
 */
export function combine(geo: number, soil: number): number {
  const geoOk = Number.isFinite(geo) && geo !== 0;
  const soilOk = Number.isFinite(soil) && soil !== 0;
  if (geoOk && soilOk) return 0.5 * geo + 0.5 * soil;
  if (geoOk) return 0.5 * geo;
  if (soilOk) return 0.5 * soil;
  return 0;
}

/**
 * Divides by the largest value. Non-finite and non-positive entries become 0 (no weight);
 * when nothing is positive the result is all zeros.
 */
export function normalizeByMax(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (Number.isFinite(v) && v > max) max = v;
  }
  if (max === 0) return out;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    out[i] = Number.isFinite(v) && v > 0 ? v / max : 0;
  }
  return out;
}

export type LogisticParams = {
  /** Midpoint: the 90th percentile of the positive normalised values. */
  M: number;
  b?: number;
  Q?: number;
  v?: number;
  k?: number;
  a?: number;
  slope?: number;
};

/** Generalised logistic: a + (k - a) / (1 + Q * exp(-b * (x - M))) ** (1 / v) + slope * x. */
export function logisticCurve(x: number, params: LogisticParams): number {
  const { M, b = 25, Q = 4, v = 0.6, k = 0.9, a = 0, slope = 0.029 } = params;
  return a + (k - a) / (1 + Q * Math.exp(-b * (x - M))) ** (1 / v) + slope * x;
}

/**
 * 90th percentile of the values > 0, interpolated linearly between closest ranks
 * (numpy's default, which the original used). NaN when no value is positive.
 */
export function percentile90OfPositives(values: ArrayLike<number>): number {
  const pos = Array.from(values).filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return Number.NaN;
  pos.sort((x, y) => x - y);
  const rank = 0.9 * (pos.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const low = pos[lo] ?? Number.NaN;
  const high = pos[hi] ?? Number.NaN;
  return low + (high - low) * (rank - lo);
}

/** One stored score row: when it was written and its 256 per-uid scores (NaN = none). */
export type ScoreRowSample = { readonly createdAt: Date; readonly score: ArrayLike<number> };

export type ComputeWeightsInput = {
  readonly geoRows: readonly ScoreRowSample[];
  readonly soilRows: readonly ScoreRowSample[];
  readonly now: Date;
  /** Rows with createdAt >= now - lookbackDays count (3 days in one original version, 1 in a later). */
  readonly lookbackDays: number;
};

/**
 * Weights for the 256 uids, summing to 1; all zeros when no uid earned anything (nothing to set).
 * Age and window use createdAt, not the task time: soil truth arrives 3 days after its target
 * time, so a window on the task time would never contain a soil row.
 * Steps: per task decay-weighted mean -> combine -> normalise by max -> logistic curve on the
 * positive values only (0 stays 0, as in the original) -> divide by the sum.
 */
export function computeWeights(input: ComputeWeightsInput): Float64Array {
  const { now, lookbackDays } = input;
  const geo = taskMeans(input.geoRows, now, lookbackDays);
  const soil = taskMeans(input.soilRows, now, lookbackDays);

  const combined = new Float64Array(UID_COUNT);
  for (let uid = 0; uid < UID_COUNT; uid++) combined[uid] = combine(geo[uid] ?? Number.NaN, soil[uid] ?? Number.NaN);

  const normalized = normalizeByMax(combined);
  const M = percentile90OfPositives(normalized);
  const curved = new Float64Array(UID_COUNT);
  let sum = 0;
  for (let uid = 0; uid < UID_COUNT; uid++) {
    const x = normalized[uid] ?? 0;
    if (x > 0) {
      curved[uid] = logisticCurve(x, { M });
      sum += curved[uid] ?? 0;
    }
  }
  if (sum > 0) for (let uid = 0; uid < UID_COUNT; uid++) curved[uid] = (curved[uid] ?? 0) / sum;
  return curved;
}

/** Per uid: decay-weighted mean of one task's rows inside the window (NaN when the task has none). */
function taskMeans(rows: readonly ScoreRowSample[], now: Date, lookbackDays: number): Float64Array {
  const inWindow = rows
    .map((row) => ({ ageDays: (now.getTime() - row.createdAt.getTime()) / DAY_MS, score: row.score }))
    .filter((r) => r.ageDays <= lookbackDays);
  const means = new Float64Array(UID_COUNT);
  for (let uid = 0; uid < UID_COUNT; uid++) {
    // A row shorter than 256 lacks later uids: undefined -> NaN -> counted as 0.
    means[uid] = decayWeightedMean(inWindow.map((r) => ({ ageDays: r.ageDays, value: r.score[uid] ?? Number.NaN })));
  }
  return means;
}
