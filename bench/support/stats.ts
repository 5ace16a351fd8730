// Order statistics of latency samples. Medians and p95 rather than means: a GC pause or a neighbour's
// burst on the shared machine moves the mean, not the middle.

export type Summary = { n: number; median: number; p95: number; mean: number; min: number };

/** Nearest-rank percentile of an ascending array (p in 0..1). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) throw new Error('median of no samples');
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n: sorted.length, median: median(sorted), p95: percentile(sorted, 0.95), mean: sum / sorted.length, min: sorted[0]! };
}
