// 95% bootstrap interval of a ratio of medians. Variants alternate per operation (measure.ts), so sample i of every
// variant was taken at the same moment: resampling the operation indices (a paired bootstrap) keeps that pairing and
// with it the cancellation of drift that alternating bought.

export type Interval = [low: number, high: number];
export type RatioEstimate = { ratio: number; interval: Interval };

const RESAMPLES = 2_000;

/** median(value) / median(baseline) and its 95% percentile-bootstrap interval (paired when the lengths agree). */
export function ratioOfMedians(value: ArrayLike<number>, baseline: ArrayLike<number>, resamples = RESAMPLES, seed = 1): RatioEstimate {
  const ratio = medianOf(value) / medianOf(baseline);
  const random = mulberry32(seed);
  const paired = value.length === baseline.length;
  const a = new Float64Array(value.length);
  const b = new Float64Array(baseline.length);
  const ratios = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < a.length; i++) {
      const k = Math.floor(random() * a.length);
      a[i] = value[k]!;
      if (paired) b[i] = baseline[k]!;
    }
    if (!paired) for (let i = 0; i < b.length; i++) b[i] = baseline[Math.floor(random() * b.length)]!;
    ratios[r] = medianInPlace(a) / medianInPlace(b);
  }
  ratios.sort();
  return { ratio, interval: [ratios[Math.floor(0.025 * (resamples - 1))]!, ratios[Math.ceil(0.975 * (resamples - 1))]!] };
}

function medianOf(x: ArrayLike<number>): number {
  return medianInPlace(Float64Array.from(x));
}

/** Median by quickselect (reorders `x`): sorting every resample would cost n log n each. */
function medianInPlace(x: Float64Array): number {
  const n = x.length;
  if (n === 0) throw new Error('median of no samples');
  const hi = select(x, n >> 1);
  return n % 2 === 1 ? hi : (maxBelow(x, n >> 1) + hi) / 2;
}

/** The k-th smallest (0-based); afterwards x[0..k) <= x[k]. */
function select(x: Float64Array, k: number): number {
  let lo = 0;
  let hi = x.length - 1;
  while (lo < hi) {
    const pivot = x[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (x[i]! < pivot) i++;
      while (x[j]! > pivot) j--;
      if (i <= j) {
        const t = x[i]!;
        x[i] = x[j]!;
        x[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return x[k]!;
}

function maxBelow(x: Float64Array, k: number): number {
  let m = -Infinity;
  for (let i = 0; i < k; i++) if (x[i]! > m) m = x[i]!;
  return m;
}

/** A small seeded generator: the same samples give the same interval. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
