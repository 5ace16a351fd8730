// Geo retry policy (pure): a prediction whose hour is over but whose truth is not published yet waits.
// Domain: retried every ~10 minutes, at most 10 tries, none older than 7 days. The step runs hourly, so a
// retry is simply "eligible again at the next run" and the count bounds how many runs a prediction waits.

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export const GEO_POLICY = {
  retryAfterMs: 10 * MINUTE_MS,
  maxRetries: 10,
  maxAgeMs: 7 * DAY_MS,
} as const;

export type GeoRetryState = { readonly queryTime: Date; readonly retryCount: number };

export type GeoRetryDecision =
  | { action: 'retry'; retryCount: number; nextRetryTime: Date }
  | { action: 'give_up'; reason: 'max_retries' | 'too_old' };

export function nextGeoRetry(
  pred: GeoRetryState,
  now: Date,
  opts: { retryAfterMs?: number; maxRetries?: number; maxAgeMs?: number } = {},
): GeoRetryDecision {
  const maxRetries = opts.maxRetries ?? GEO_POLICY.maxRetries;
  const maxAgeMs = opts.maxAgeMs ?? GEO_POLICY.maxAgeMs;
  if (pred.retryCount >= maxRetries) return { action: 'give_up', reason: 'max_retries' };
  if (now.getTime() - pred.queryTime.getTime() > maxAgeMs) return { action: 'give_up', reason: 'too_old' };
  return { action: 'retry', retryCount: pred.retryCount + 1, nextRetryTime: new Date(now.getTime() + (opts.retryAfterMs ?? GEO_POLICY.retryAfterMs)) };
}
