// A miner's signed soil-moisture prediction: one statement that resolves the signer's slot and the region (its
// closing time, truth and sentinel echo), records the nonce and upserts the prediction (see submission.ts).
import { BadInputError } from '../db';
import { NotFoundError, ReplayError, SubmissionsClosedError, UnregisteredSignerError } from './errors';
import { prepareSoilGrids } from './soil';
import { checkSignedSubmission, nonceCte, runSubmission, SIGNER_CTE, submissionParams, type SignedSubmission } from './submission';
import { toDate, toNumber, type Executor } from './sql';
import type { SoilGridsInput, SubmitResult } from './types';
import { checkInt } from './validate';
import { DEFAULT_SUBMISSION_WINDOWS, soilJudgedAt, soilWindowError, type SubmissionWindows } from './windows';

export type SoilSubmission = SignedSubmission & SoilGridsInput & { regionId: number };

// $1 signer key (hex), $2 uuid, $3 signed at, $4 received at, $5 region id, $6..$9 grids, $10 bounds, $11 crs,
// $12 the instant compared with closes_at (received at less the grace).
// FOR SHARE OF r: the region (its echo, closing time, truth) cannot change or go under this insert.
const SOIL_SUBMISSION_SQL = `
WITH ${SIGNER_CTE},
region AS (
  SELECT r.id, r.target_time, r.closes_at,
         (r.sentinel_crs = $11::int AND r.sentinel_bounds = $10::float8[]) AS same_echo,
         EXISTS (SELECT 1 FROM soil_truth t WHERE t.region_id = r.id) AS has_truth,
         $12::timestamptz < r.closes_at AS open
  FROM soil_regions r WHERE r.id = $5::bigint FOR SHARE OF r),
accepted AS (
  SELECT s.uid, s.hotkey, r.target_time FROM signer s, region r
  WHERE r.same_echo AND NOT r.has_truth AND r.open),
${nonceCte('accepted')},
written AS (
  INSERT INTO soil_predictions (region_id, miner_uid, miner_hotkey, target_time, surface_sm, rootzone_sm,
                                uncertainty_surface, uncertainty_rootzone, sentinel_bounds, sentinel_crs, received_at)
  SELECT $5::bigint, a.uid, a.hotkey, a.target_time, $6::float8[], $7::float8[], $8::float8[], $9::float8[],
         $10::float8[], $11::int, $4::timestamptz
  FROM accepted a, nonce
  ON CONFLICT (region_id, miner_uid) DO UPDATE SET
    miner_hotkey = excluded.miner_hotkey, surface_sm = excluded.surface_sm, rootzone_sm = excluded.rootzone_sm,
    uncertainty_surface = excluded.uncertainty_surface, uncertainty_rootzone = excluded.uncertainty_rootzone,
    sentinel_bounds = excluded.sentinel_bounds, sentinel_crs = excluded.sentinel_crs, received_at = excluded.received_at,
    status = 'sent_to_miner', retry_count = 0, next_retry_time = NULL, retry_error_message = NULL, created_at = now()
  RETURNING id, (xmax = 0) AS inserted)
SELECT (SELECT uid FROM signer) AS uid, r.id AS region_id, r.closes_at, r.open, r.same_echo, r.has_truth, w.id, w.inserted
FROM (SELECT 1) AS one LEFT JOIN region r ON true LEFT JOIN written w ON true`;

type Outcome = {
  uid: number | null;
  region_id: unknown;
  closes_at: unknown;
  open: boolean | null;
  same_echo: boolean | null;
  has_truth: boolean | null;
  id: unknown;
  inserted: boolean | null;
};

/**
 * Stores (or replaces) the signer's prediction for a region. Refusals, each with nothing written:
 * BadInputError (wrong shape; an echo of the sentinel bounds/CRS that differs from the region's),
 * UnregisteredSignerError, NotFoundError (no such region), SubmissionWindowError (past the region's closing
 * time), SubmissionsClosedError (its truth is stored), ReplayError (uuid used before).
 */
export async function submitSignedSoilPrediction(
  q: Executor,
  s: SoilSubmission,
  windows: SubmissionWindows = DEFAULT_SUBMISSION_WINDOWS,
): Promise<SubmitResult> {
  checkSignedSubmission(s);
  checkInt('regionId', s.regionId);
  const g = prepareSoilGrids('prediction', s);

  const row = await runSubmission<Outcome>(q, SOIL_SUBMISSION_SQL, [
    ...submissionParams(s),
    s.regionId,
    g.surfaceSm,
    g.rootzoneSm,
    g.uncertaintySurface,
    g.uncertaintyRootzone,
    g.sentinelBounds,
    g.sentinelCrs,
    soilJudgedAt(s.receivedAt, windows),
  ]);
  if (row.uid === null) throw new UnregisteredSignerError();
  if (row.region_id === null) throw new NotFoundError('region', s.regionId);
  if (row.has_truth) throw new SubmissionsClosedError(`region ${s.regionId} already has ground truth: submissions are closed`);
  if (!row.open) throw soilWindowError(s.regionId, toDate(row.closes_at), s.receivedAt, windows);
  if (!row.same_echo) throw new BadInputError(`sentinel bounds/CRS echo differs from region ${s.regionId}`);
  if (row.id === null || row.id === undefined) throw new ReplayError(s.nonce);
  return { id: toNumber(row.id), replaced: row.inserted === false };
}
