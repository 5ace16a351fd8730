// The soil scoring step: due predictions -> scores -> history and score rows, in short chunk transactions.
// Idempotent: each chunk commits its history, deletions, retries and the recomputed score rows together,
// and a score row is always rebuilt from all the history of its target time, so a run killed anywhere and
// run again ends exactly where one clean run ends.
import {
  deleteSoilPrediction,
  insertSoilHistoryRow,
  lockScoreRows,
  moveSoilPredictions,
  scheduleSoilRetries,
  scheduleSoilRetry,
  selectDueSoilPredictions,
  selectSoilTruth,
  soilHistoryScores,
  upsertScoreRows,
  type AnySession,
  type DueSoilPrediction,
  type SoilTruthGrids,
  type Sql,
} from '../../validator';
import { boundedInt, DEFAULT_MAX_CHUNKS, DEFAULT_RESERVE_MS, distinctTimes, runChunks, type ChunkHooks, type StopReason } from '../chunks';
import { meanScoresByUid, SOIL_POLICY } from './math';
import { planSoilChunk, type SoilChunkPlan } from './plan';

export const SOIL_TASK = 'soil_moisture';
export const DEFAULT_SOIL_CHUNK = 256;
export const MAX_SOIL_CHUNK = 1000;

export type SoilStepOptions = {
  now: Date;
  /** Predictions per chunk transaction (default 256, at most 1000). */
  chunkSize?: number;
  /** Chunks per run (default 200); the rest waits for the next run. */
  maxChunks?: number;
  /** No new chunk starts with less than this left of the session (default 3000 ms). */
  reserveMs?: number;
  scoringDelayMs?: number;
  maxRetries?: number;
  maxAgeMs?: number;
  /**
   * COMPARISON PATH for benchmarks only: writes history, deletions and retries one statement per
   * prediction, as the original did. Same end state, many more round trips. Never set in production.
   */
  perRow?: boolean;
  hooks?: ChunkHooks;
};

export type SoilStepSummary = {
  /** Due predictions taken up. */
  processed: number;
  scored: number;
  retried: number;
  gaveUp: number;
  /** Empty or wrong-shape predictions deleted without a score. */
  discarded: number;
  /** Score-row writes: each chunk rewrites the rows of the target times it scored (so a time spanning chunks counts more than once). */
  scoreRows: number;
  chunks: number;
  roundTrips: number;
  stoppedBy: StopReason;
};

export async function runSoilStep(session: AnySession, options: SoilStepOptions): Promise<SoilStepSummary> {
  const { now } = options;
  const chunkSize = boundedInt('chunkSize', options.chunkSize, DEFAULT_SOIL_CHUNK, MAX_SOIL_CHUNK);
  const firstDueBefore = new Date(now.getTime() - (options.scoringDelayMs ?? SOIL_POLICY.scoringDelayMs));
  const policy = { maxRetries: options.maxRetries, maxAgeMs: options.maxAgeMs };
  const sum = { processed: 0, scored: 0, retried: 0, gaveUp: 0, discarded: 0, scoreRows: 0 };

  const loop = await runChunks(
    session,
    {
      maxChunks: boundedInt('maxChunks', options.maxChunks, DEFAULT_MAX_CHUNKS, 100_000),
      reserveMs: options.reserveMs ?? DEFAULT_RESERVE_MS,
      hooks: options.hooks,
    },
    async (tx) => {
      const due = await selectDueSoilPredictions(tx, { firstDueBefore, now, limit: chunkSize });
      if (due.length === 0) return { worked: false, more: false };
      const truths = await selectSoilTruth(tx, [...new Set(due.map((p) => p.regionId))]);
      const plan = planSoilChunk(due, truths, now, policy);

      if (options.perRow) await writePerRow(tx, plan, due, truths, now);
      else {
        await moveSoilPredictions(tx, { scored: plan.scored, deleteIds: [...plan.scored.map((s) => s.id), ...plan.discarded, ...plan.gaveUp], scoredAt: now });
        await scheduleSoilRetries(tx, plan.retries);
      }
      const targetTimes = distinctTimes(plan.scored.map((s) => s.targetTime));
      sum.scoreRows += await rewriteScoreRows(tx, targetTimes, now);

      sum.processed += due.length;
      sum.scored += plan.scored.length;
      sum.retried += plan.retries.length;
      sum.gaveUp += plan.gaveUp.length;
      sum.discarded += plan.discarded.length;
      return { worked: true, more: due.length === chunkSize };
    },
  );
  return { ...sum, ...loop };
}

/**
 * Rebuilds the score row of each target time from ALL its history (every region, every earlier chunk and
 * run): per uid the mean over the regions. Locked first, so concurrent chunks cannot lose each other's rows.
 */
async function rewriteScoreRows(tx: Sql, targetTimes: Date[], now: Date): Promise<number> {
  if (targetTimes.length === 0) return 0;
  await lockScoreRows(tx, SOIL_TASK, targetTimes);
  const entries = await soilHistoryScores(tx, targetTimes);
  const rows = targetTimes.map((t) => ({
    taskName: SOIL_TASK,
    taskTime: t,
    score: meanScoresByUid(entries.filter((e) => e.targetTime.getTime() === t.getTime())),
    createdAt: now,
  })) satisfies Parameters<typeof upsertScoreRows>[1];
  return upsertScoreRows(tx, rows);
}

/** COMPARISON PATH (see SoilStepOptions.perRow): one statement per prediction. */
async function writePerRow(
  tx: Sql,
  plan: SoilChunkPlan,
  due: readonly DueSoilPrediction[],
  truths: ReadonlyMap<number, SoilTruthGrids>,
  now: Date,
): Promise<void> {
  const byId = new Map(due.map((p) => [p.id, p]));
  for (const s of plan.scored) {
    const p = byId.get(s.id)!;
    await insertSoilHistoryRow(tx, p, truths.get(p.regionId)!, s, now);
    await deleteSoilPrediction(tx, s.id);
  }
  for (const id of [...plan.discarded, ...plan.gaveUp]) await deleteSoilPrediction(tx, id);
  for (const r of plan.retries) await scheduleSoilRetry(tx, r);
}
