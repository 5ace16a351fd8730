// Soil-moisture scoring math and retry policy: pure functions, no I/O.
// Formulas follow docs/reference validator-domain.md ("Soil-moisture task").

/** An 11x11 grid of soil-moisture values, row-major; NaN marks a missing pixel. */
export type Grid = readonly (readonly number[])[];

export type SoilLayers<G = Grid> = { readonly surface: G; readonly rootzone: G };

export const GRID_SIZE = 11;
export const UID_COUNT = 256;
export const SURFACE_WEIGHT = 0.6;
export const ROOTZONE_WEIGHT = 0.4;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Root-mean-square error over the pixels valid (finite) in BOTH grids.
 * A cell absent from either grid counts as invalid, so ragged input cannot throw.
 * NaN when no pixel is valid in both.
 */
export function rmse(truth: Grid, pred: Grid): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = pred[i];
    if (t === undefined || p === undefined) continue;
    for (let j = 0; j < t.length; j++) {
      const tv = t[j];
      const pv = p[j];
      if (tv === undefined || pv === undefined || !Number.isFinite(tv) || !Number.isFinite(pv)) continue;
      const d = pv - tv;
      sum += d * d;
      n++;
    }
  }
  return n === 0 ? Number.NaN : Math.sqrt(sum / n);
}

/** 1 / (1 + exp(alpha * (r - beta))): 0.5 at r = beta, towards 1 as the error shrinks. */
export function sigmoid(r: number, alpha = 10, beta = 0.1): number {
  return 1 / (1 + Math.exp(alpha * (r - beta)));
}

/** 0.6 * sigmoid(surface) + 0.4 * sigmoid(rootzone); NaN when either RMSE is NaN. */
export function soilScore(rmses: { surfaceRmse: number; rootzoneRmse: number }): number {
  const { surfaceRmse, rootzoneRmse } = rmses;
  // Explicit check: sigmoid(NaN) is already NaN, but saying it keeps the contract visible.
  if (Number.isNaN(surfaceRmse) || Number.isNaN(rootzoneRmse)) return Number.NaN;
  return SURFACE_WEIGHT * sigmoid(surfaceRmse) + ROOTZONE_WEIGHT * sigmoid(rootzoneRmse);
}

/**
 * Shape check: exactly 11 arrays of exactly 11 numbers. NaN is a number and passes
 * (truth grids carry NaN for missing pixels); null, strings or ragged rows do not.
 */
export function isGrid11(x: unknown): x is Grid {
  if (!Array.isArray(x) || x.length !== GRID_SIZE) return false;
  return x.every((row) => Array.isArray(row) && row.length === GRID_SIZE && row.every((v) => typeof v === 'number'));
}

/** Row-major flattening to the 121 values the database stores. */
export function flattenGrid(grid: Grid): number[] {
  return grid.flatMap((row) => [...row]);
}

/** Inverse of flattenGrid; throws on a length other than 121 (the database CHECK guarantees it). */
export function unflattenGrid(flat: readonly number[]): number[][] {
  if (flat.length !== GRID_SIZE * GRID_SIZE) {
    throw new RangeError(`expected ${GRID_SIZE * GRID_SIZE} values, got ${flat.length}`);
  }
  const rows: number[][] = [];
  for (let i = 0; i < GRID_SIZE; i++) rows.push(flat.slice(i * GRID_SIZE, (i + 1) * GRID_SIZE));
  return rows;
}

export type SoilScoreResult =
  | { ok: true; surfaceRmse: number; rootzoneRmse: number; total: number }
  | { ok: false; reason: 'wrong_shape' | 'no_valid_pixels' };

/**
 * Scores one prediction against the truth of its region.
 * The prediction is untrusted (`unknown` grids): wrong shape -> 'wrong_shape' (the caller deletes it).
 * A layer with no pixel valid in both grids -> 'no_valid_pixels' (the caller decides: truth gap or junk).
 * A truth grid of the wrong shape is a bug upstream (ingest validates it), so that throws.
 */
export function scoreSoilPrediction(truth: SoilLayers, pred: SoilLayers<unknown>): SoilScoreResult {
  if (!isGrid11(truth.surface) || !isGrid11(truth.rootzone)) {
    throw new TypeError('soil truth grids must be 11x11');
  }
  if (!isGrid11(pred.surface) || !isGrid11(pred.rootzone)) return { ok: false, reason: 'wrong_shape' };
  const surfaceRmse = rmse(truth.surface, pred.surface);
  const rootzoneRmse = rmse(truth.rootzone, pred.rootzone);
  if (Number.isNaN(surfaceRmse) || Number.isNaN(rootzoneRmse)) return { ok: false, reason: 'no_valid_pixels' };
  return { ok: true, surfaceRmse, rootzoneRmse, total: soilScore({ surfaceRmse, rootzoneRmse }) };
}

/**
 * The score row of one target time: per uid, the mean of its totals over the regions of that time.
 * Uids without a (finite) score stay NaN. An out-of-range uid throws: the schema CHECK forbids it.
 */
export function meanScoresByUid(entries: readonly { uid: number; score: number }[]): Float64Array {
  const sums = new Float64Array(UID_COUNT);
  const counts = new Uint16Array(UID_COUNT);
  for (const { uid, score } of entries) {
    if (!Number.isInteger(uid) || uid < 0 || uid >= UID_COUNT) throw new RangeError(`uid out of range: ${uid}`);
    if (!Number.isFinite(score)) continue;
    sums[uid] = (sums[uid] ?? 0) + score;
    counts[uid] = (counts[uid] ?? 0) + 1;
  }
  const row = new Float64Array(UID_COUNT).fill(Number.NaN);
  for (let uid = 0; uid < UID_COUNT; uid++) {
    const n = counts[uid] ?? 0;
    if (n > 0) row[uid] = (sums[uid] ?? 0) / n;
  }
  return row;
}

// ---- retry policy -------------------------------------------------------------------------

export type SoilPredictionStatus = 'sent_to_miner' | 'retry_scheduled' | 'scored';

/** The fields of a stored prediction the policy reads (a soil_predictions row satisfies it). */
export type RetryState = {
  readonly status: string;
  readonly targetTime: Date;
  readonly retryCount: number;
  readonly nextRetryTime: Date | null;
};

export const SOIL_POLICY = {
  /** Ground truth (SMAP) is published about 3 days after the target time. */
  scoringDelayMs: 3 * DAY_MS,
  /** Give up after this many retries... */
  maxRetries: 10,
  /** ...or once the target time is older than this. */
  maxAgeMs: 7 * DAY_MS,
} as const;

/** Backoff per cause of failure: the likelier the next try succeeds soon, the shorter the wait. */
export const RETRY_BACKOFF_MS = {
  /** Truth not yet published: it usually appears within the hour. */
  truth_missing: 1 * HOUR_MS,
  /** Fetching the truth failed (network, upstream error). */
  truth_fetch_failed: 2 * HOUR_MS,
  /** Scoring itself failed unexpectedly; wait longest so a bad row cannot hog steps. */
  scoring_failed: 4 * HOUR_MS,
} as const;

export type RetryCause = keyof typeof RETRY_BACKOFF_MS;

/**
 * Due = (first attempt: status sent_to_miner, no retry scheduled, target_time <= now - delay)
 *    or (a retry whose time has come and retry_count < maxRetries).
 * The doc's due rule says `retry_count < 5` while its give-up rule says 10 retries; with both,
 * counts 5..9 would be neither due nor given up. We use one limit (maxRetries) for both.
 * Scored predictions are never due.
 */
export function isDue(
  pred: RetryState,
  now: Date,
  opts: { scoringDelayMs?: number; maxRetries?: number } = {},
): boolean {
  const delay = opts.scoringDelayMs ?? SOIL_POLICY.scoringDelayMs;
  const maxRetries = opts.maxRetries ?? SOIL_POLICY.maxRetries;
  if (pred.status === 'scored') return false;
  if (pred.nextRetryTime === null) {
    return pred.status === 'sent_to_miner' && pred.targetTime.getTime() <= now.getTime() - delay;
  }
  return pred.nextRetryTime.getTime() <= now.getTime() && pred.retryCount < maxRetries;
}

export type RetryDecision =
  | { action: 'retry'; status: 'retry_scheduled'; retryCount: number; nextRetryTime: Date; errorMessage: string }
  | { action: 'give_up'; reason: 'max_retries' | 'too_old' };

/**
 * What to do after an attempt failed. Gives up when retry_count has already reached maxRetries
 * (so exactly maxRetries retries happen) or the target time is older than maxAgeMs; otherwise
 * schedules the next try after the cause's backoff.
 */
export function nextRetry(
  pred: RetryState,
  now: Date,
  cause: RetryCause,
  opts: { maxRetries?: number; maxAgeMs?: number } = {},
): RetryDecision {
  const maxRetries = opts.maxRetries ?? SOIL_POLICY.maxRetries;
  const maxAgeMs = opts.maxAgeMs ?? SOIL_POLICY.maxAgeMs;
  if (pred.retryCount >= maxRetries) return { action: 'give_up', reason: 'max_retries' };
  if (now.getTime() - pred.targetTime.getTime() > maxAgeMs) return { action: 'give_up', reason: 'too_old' };
  return {
    action: 'retry',
    status: 'retry_scheduled',
    retryCount: pred.retryCount + 1,
    nextRetryTime: new Date(now.getTime() + RETRY_BACKOFF_MS[cause]),
    errorMessage: cause,
  };
}
