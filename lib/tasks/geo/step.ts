// The geo scoring step: predictions of hours that are over -> scored against the hour's truth, or kept
// waiting for it; history and score rows written in short chunk transactions. Idempotent like the soil
// step: a score row is always rebuilt from all the history of its hour.
import {
  geoHistoryScores,
  moveGeoPredictions,
  scheduleGeoRetries,
  selectDueGeoPredictions,
  type AnySession,
} from '../../validator';
import { boundedInt, chunkLoopOptions, distinctTimes, runChunks, type ChunkHooks, type StopReason } from '../chunks';
import { rewriteScoreRows, type ScoreHistory } from '../score-rows';
import { geoScoreRow } from './math';
import { planGeoChunk, type GeoPolicyOptions } from './plan';

export const GEO_TASK = 'geomagnetic';
export const DEFAULT_GEO_CHUNK = 256;
export const MAX_GEO_CHUNK = 1000;
const HOUR_MS = 3_600_000;

export type GeoStepOptions = GeoPolicyOptions & {
  now: Date;
  /** Predictions per chunk transaction (default 256 = one hour of miners, at most 1000). */
  chunkSize?: number;
  maxChunks?: number;
  reserveMs?: number;
  hooks?: ChunkHooks;
};

export type GeoStepSummary = {
  /** Attemptable predictions taken up. */
  processed: number;
  scored: number;
  /** Truth not published yet: retried at a later run. */
  retried: number;
  /** Out of retries or older than 7 days, still without truth: deleted. */
  gaveUp: number;
  /** Score-row writes: each chunk rewrites the rows of the hours it scored. */
  scoreRows: number;
  chunks: number;
  roundTrips: number;
  stoppedBy: StopReason;
};

export async function runGeoStep(session: AnySession, options: GeoStepOptions): Promise<GeoStepSummary> {
  const { now } = options;
  const chunkSize = boundedInt('chunkSize', options.chunkSize, DEFAULT_GEO_CHUNK, MAX_GEO_CHUNK);
  // An hour's truth exists once the hour is over: query_time + 1 h <= now.
  const hourOverBefore = new Date(now.getTime() - HOUR_MS);
  const policy: GeoPolicyOptions = { retryAfterMs: options.retryAfterMs, maxRetries: options.maxRetries, maxAgeMs: options.maxAgeMs };
  const sum = { processed: 0, scored: 0, retried: 0, gaveUp: 0, scoreRows: 0 };

  const loop = await runChunks(
    session,
    chunkLoopOptions(options, options.maxChunks),
    async (tx) => {
      const due = await selectDueGeoPredictions(tx, { hourOverBefore, now, limit: chunkSize });
      if (due.length === 0) return { worked: false, more: false };
      const plan = planGeoChunk(due, now, policy);
      await moveGeoPredictions(tx, { scored: plan.scored, deleteIds: [...plan.scored.map((s) => s.id), ...plan.gaveUp], scoredAt: now });
      await scheduleGeoRetries(tx, plan.retries);
      sum.scoreRows += await rewriteScoreRows(tx, GEO_SCORES, distinctTimes(plan.scored.map((s) => s.hour)), now);

      sum.processed += due.length;
      sum.scored += plan.scored.length;
      sum.retried += plan.retries.length;
      sum.gaveUp += plan.gaveUp.length;
      return { worked: true, more: due.length === chunkSize };
    },
  );
  return { ...sum, ...loop };
}

/** Each hour's score row, rebuilt from all its history. */
const GEO_SCORES: ScoreHistory<{ hour: Date; uid: number; score: number }> = {
  task: GEO_TASK,
  load: geoHistoryScores,
  timeOf: (e) => e.hour,
  score: geoScoreRow,
};
