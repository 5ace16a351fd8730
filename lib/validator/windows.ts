// Submission windows: a prediction counts only if it arrived before the period it predicts began, by the
// server's clock (miners push, so nothing else stops a prediction made after the fact).
//   geo:  the hour starting at H is open while H - geoWindowMs <= receivedAt < H + graceMs
//   soil: a region is open while receivedAt < closesAt + graceMs (closesAt <= the region's target time)
// The grace (default 0) absorbs the transit of a request sent just before the close; it is a setting, not a habit.
import { SubmissionWindowError } from './errors';

const HOUR_MS = 3_600_000;

export type SubmissionWindows = {
  /** How long before its hour a geo prediction may arrive (default one hour: only the next hour is open). */
  geoWindowMs: number;
  /** Accepted this long after a close (default 0). */
  graceMs: number;
};

export const DEFAULT_SUBMISSION_WINDOWS: Readonly<SubmissionWindows> = { geoWindowMs: HOUR_MS, graceMs: 0 };

/** When predictions for the hour starting at `hour` may arrive: [opensAt, closesAt), closesAt including the grace. */
export function geoWindow(hour: Date, windows: SubmissionWindows = DEFAULT_SUBMISSION_WINDOWS): { opensAt: Date; closesAt: Date } {
  return { opensAt: new Date(hour.getTime() - windows.geoWindowMs), closesAt: new Date(hour.getTime() + windows.graceMs) };
}

/** Throws SubmissionWindowError unless a geo prediction for `hour` received at `receivedAt` is inside its window. */
export function checkGeoWindow(hour: Date, receivedAt: Date, windows: SubmissionWindows = DEFAULT_SUBMISSION_WINDOWS): void {
  const w = geoWindow(hour, windows);
  const at = receivedAt.getTime();
  if (at >= w.opensAt.getTime() && at < w.closesAt.getTime()) return;
  const when = at < w.opensAt.getTime() ? 'is not open yet' : 'has closed';
  throw new SubmissionWindowError(
    'queryTime',
    w,
    receivedAt,
    `the submission window of hour ${hour.toISOString()} ${when}: predictions are accepted from ${w.opensAt.toISOString()} until ${w.closesAt.toISOString()} (server time ${receivedAt.toISOString()})`,
  );
}

/** The instant a soil region's closing time is compared with: the receive time less the grace. */
export function soilJudgedAt(receivedAt: Date, windows: SubmissionWindows = DEFAULT_SUBMISSION_WINDOWS): Date {
  return new Date(receivedAt.getTime() - windows.graceMs);
}

export function soilWindowError(regionId: number, closesAt: Date, receivedAt: Date, windows: SubmissionWindows = DEFAULT_SUBMISSION_WINDOWS): SubmissionWindowError {
  const close = new Date(closesAt.getTime() + windows.graceMs);
  return new SubmissionWindowError(
    'regionId',
    { opensAt: null, closesAt: close },
    receivedAt,
    `region ${regionId} closed for predictions at ${close.toISOString()} (server time ${receivedAt.toISOString()})`,
  );
}

/** The next hour to start after `now`: with the default window, the one hour geo predictions are accepted for. */
export function nextGeoHour(now: Date): Date {
  return new Date((Math.floor(now.getTime() / HOUR_MS) + 1) * HOUR_MS);
}
