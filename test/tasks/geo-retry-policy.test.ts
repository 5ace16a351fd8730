// The geo retry policy (pure): wait 10 minutes while the truth is missing, at most 10 times, never past 7 days.
import { describe, expect, it } from 'vitest';
import { GEO_POLICY, nextGeoRetry } from '../../lib/tasks';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2025-04-01T12:05:00Z');
const queryTime = new Date('2025-04-01T10:00:00Z');

describe('nextGeoRetry', () => {
  it('schedules the next try 10 minutes later and counts it', () => {
    expect(nextGeoRetry({ queryTime, retryCount: 0 }, NOW)).toEqual({ action: 'retry', retryCount: 1, nextRetryTime: new Date(NOW.getTime() + 10 * 60_000) });
    expect(nextGeoRetry({ queryTime, retryCount: 9 }, NOW)).toMatchObject({ action: 'retry', retryCount: 10 });
  });

  it('gives up after the 10th retry', () => {
    expect(nextGeoRetry({ queryTime, retryCount: GEO_POLICY.maxRetries }, NOW)).toEqual({ action: 'give_up', reason: 'max_retries' });
  });

  it('gives up on an hour more than 7 days old, and not one at exactly 7 days', () => {
    expect(nextGeoRetry({ queryTime: new Date(NOW.getTime() - 7 * DAY - 1), retryCount: 0 }, NOW)).toEqual({ action: 'give_up', reason: 'too_old' });
    expect(nextGeoRetry({ queryTime: new Date(NOW.getTime() - 7 * DAY), retryCount: 0 }, NOW)).toMatchObject({ action: 'retry' });
  });

  it('takes overrides for every limit', () => {
    expect(nextGeoRetry({ queryTime, retryCount: 2 }, NOW, { maxRetries: 2 })).toEqual({ action: 'give_up', reason: 'max_retries' });
    expect(nextGeoRetry({ queryTime, retryCount: 0 }, NOW, { retryAfterMs: HOUR })).toMatchObject({ nextRetryTime: new Date(NOW.getTime() + HOUR) });
    expect(nextGeoRetry({ queryTime, retryCount: 0 }, NOW, { maxAgeMs: HOUR })).toEqual({ action: 'give_up', reason: 'too_old' });
  });
});
