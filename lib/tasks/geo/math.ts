// Geomagnetic (Dst) scoring math: pure functions, no I/O.
// Formulas follow the domain reference ("Geomagnetic task").

export const UID_COUNT = 256;
/** Predictions outside [-PREDICTION_LIMIT, PREDICTION_LIMIT] (Dst / 100) score 0. */
export const PREDICTION_LIMIT = 5;
/** Raw Dst readings beyond this magnitude (nT) are bad data. */
export const MAX_RAW_DST = 1000;

/**
 * exp(-3.5 * |pred - truth|) ** 1.2, or 0 when pred is not finite or outside [-5, 5].
 * A non-finite truth yields NaN (no score): truth should come from normalizeDst, which rejects it.
 */
export function geoScore(pred: number, truth: number): number {
  if (!Number.isFinite(pred) || pred < -PREDICTION_LIMIT || pred > PREDICTION_LIMIT) return 0;
  return Math.exp(-3.5 * Math.abs(pred - truth)) ** 1.2;
}

/**
 * Raw Dst (nT) -> the scale miners predict on (raw / 100).
 * Returns null for bad data (|raw| > 1000 or not finite) instead of throwing: ingest skips
 * that hour and the predictions wait for a later, valid reading.
 */
export function normalizeDst(raw: number): number | null {
  if (!Number.isFinite(raw) || Math.abs(raw) > MAX_RAW_DST) return null;
  return raw / 100;
}

/**
 * The score row of one hour, indexed by uid, NaN where a uid has no score.
 * One prediction per (miner, hour) is a unique key, so a repeated uid is a bug and throws,
 * as does a uid outside 0..255.
 */
export function geoScoreRow(entries: readonly { uid: number; score: number }[]): Float64Array {
  const row = new Float64Array(UID_COUNT).fill(Number.NaN);
  const seen = new Uint8Array(UID_COUNT);
  for (const { uid, score } of entries) {
    if (!Number.isInteger(uid) || uid < 0 || uid >= UID_COUNT) throw new RangeError(`uid out of range: ${uid}`);
    if (seen[uid]) throw new RangeError(`uid ${uid} scored twice in one hour`);
    seen[uid] = 1;
    row[uid] = score;
  }
  return row;
}
