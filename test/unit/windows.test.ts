// Submission windows (lib/validator/windows.ts): geo for the hour H is open while H - window <= receivedAt < H + grace.
import { describe, expect, it } from 'vitest';
import { checkGeoWindow, nextGeoHour, SubmissionWindowError } from '../../lib/validator';

const H = new Date('2030-06-01T12:00:00Z');
const at = (ms: number) => new Date(H.getTime() + ms);
const HOUR = 3_600_000;

describe('geo submission window', () => {
  it('is open from an hour before H until H (exclusive) by default', () => {
    expect(() => checkGeoWindow(H, at(-HOUR))).not.toThrow();
    expect(() => checkGeoWindow(H, at(-1))).not.toThrow();
    for (const t of [at(0), at(1), at(-HOUR - 1), at(5 * HOUR)]) expect(() => checkGeoWindow(H, t)).toThrow(SubmissionWindowError);
  });

  it('names the window and the server time, and why (not open yet / closed)', () => {
    const late = (() => {
      try {
        checkGeoWindow(H, at(1));
      } catch (err) {
        return err as SubmissionWindowError;
      }
    })()!;
    expect(late.field).toBe('queryTime');
    expect(late.message).toContain('has closed');
    expect(late.message).toContain('from 2030-06-01T11:00:00.000Z until 2030-06-01T12:00:00.000Z');
    expect(() => checkGeoWindow(H, at(-2 * HOUR))).toThrow(/is not open yet/);
  });

  it('takes a longer window and a grace', () => {
    const w = { geoWindowMs: 2 * HOUR, graceMs: 1_000 };
    expect(() => checkGeoWindow(H, at(-2 * HOUR), w)).not.toThrow();
    expect(() => checkGeoWindow(H, at(999), w)).not.toThrow();
    expect(() => checkGeoWindow(H, at(1_000), w)).toThrow(SubmissionWindowError);
  });

  it('the next hour to start is the open one', () => {
    expect(nextGeoHour(at(-1))).toEqual(H);
    expect(nextGeoHour(at(0))).toEqual(at(HOUR));
  });
});
