// A miner's signed geomagnetic prediction: window checked first (pure: the hour and the server's receive time),
// then one statement that resolves the signer's slot, refuses an hour whose truth is stored, records the nonce
// and upserts the prediction (see submission.ts for the shape).
import { ReplayError, SubmissionsClosedError, UnregisteredSignerError } from './errors';
import { checkSignedSubmission, nonceCte, runSubmission, SIGNER_CTE, submissionParams, type SignedSubmission } from './submission';
import { toNumber } from './sql';
import type { Executor } from './sql';
import type { SubmitResult } from './types';
import { checkFinite, checkHour } from './validate';
import { checkGeoWindow, DEFAULT_SUBMISSION_WINDOWS, type SubmissionWindows } from './windows';

export type GeoSubmission = SignedSubmission & { queryTime: Date; value: number };

// $1 signer key (hex), $2 uuid, $3 signed at, $4 received at, $5 hour, $6 value.
const GEO_SUBMISSION_SQL = `
WITH ${SIGNER_CTE},
closed AS (SELECT EXISTS (SELECT 1 FROM geo_truth WHERE hour = $5::timestamptz) AS closed),
accepted AS (SELECT s.uid, s.hotkey FROM signer s, closed c WHERE NOT c.closed),
${nonceCte('accepted')},
written AS (
  INSERT INTO geo_predictions (miner_uid, miner_hotkey, query_time, predicted_value, received_at)
  SELECT a.uid, a.hotkey, $5::timestamptz, $6::float8, $4::timestamptz FROM accepted a, nonce
  ON CONFLICT (miner_uid, query_time) DO UPDATE SET
    miner_hotkey = excluded.miner_hotkey, predicted_value = excluded.predicted_value, received_at = excluded.received_at,
    status = 'pending', retry_count = 0, next_retry_time = NULL, updated_at = now()
  RETURNING id, (xmax = 0) AS inserted)
SELECT (SELECT uid FROM signer) AS uid, (SELECT closed FROM closed) AS closed, w.id, w.inserted
FROM (SELECT 1) AS one LEFT JOIN written w ON true`;

type Outcome = { uid: number | null; closed: boolean; id: unknown; inserted: boolean | null };

/**
 * Stores (or replaces) the signer's prediction for an hour. Refusals, each with nothing written:
 * BadInputError (a value or time that is not one), SubmissionWindowError (outside the hour's window),
 * UnregisteredSignerError, SubmissionsClosedError (the hour's truth is stored), ReplayError (uuid used before).
 */
export async function submitSignedGeoPrediction(
  q: Executor,
  s: GeoSubmission,
  windows: SubmissionWindows = DEFAULT_SUBMISSION_WINDOWS,
): Promise<SubmitResult> {
  checkSignedSubmission(s);
  checkHour('queryTime', s.queryTime);
  checkFinite('value', s.value);
  checkGeoWindow(s.queryTime, s.receivedAt, windows);

  const row = await runSubmission<Outcome>(q, GEO_SUBMISSION_SQL, [...submissionParams(s), s.queryTime, s.value]);
  if (row.uid === null) throw new UnregisteredSignerError();
  if (row.closed) throw new SubmissionsClosedError(`the truth of hour ${s.queryTime.toISOString()} is already stored: submissions are closed`);
  // Every check passed but nothing was written: the nonce insert found the uuid taken.
  if (row.id === null || row.id === undefined) throw new ReplayError(s.nonce);
  return { id: toNumber(row.id), replaced: row.inserted === false };
}
