// The soil scoring step: due predictions -> scores -> history and score rows, in short chunk transactions.
// Idempotent: each chunk commits its history, deletions and retries together, and a target time's score row is
// rebuilt from all its history by the chunk that leaves none of the time's predictions due (under the row's lock,
// so of concurrent chunks the last to commit does it; a run's chunks so rewrite a time once, not each reloading
// every earlier chunk's history). A run killed or stopped part-way through a time leaves the rest of it due: the
// next run finishes it and writes its row, ending exactly where one clean run ends.
import {
  deleteSoilPrediction,
  insertSoilHistoryRow,
  moveSoilPredictions,
  scheduleSoilRetry,
  selectDueSoilWork,
  soilHistoryScores,
  type AnySession,
  type DueSoilPrediction,
  type SoilDueRule,
  type SoilTruthGrids,
  type Sql,
} from '../../validator';
import { boundedInt, chunkLoopOptions, distinctTimes, runChunks, type ChunkHooks, type StopReason } from '../chunks';
import { rewriteScoreRows, type ScoreHistory } from '../score-rows';
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
  /** Score-row writes: a target time's row is written by the chunk that leaves none of the time due (once per time in a clean run). */
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
  const scores = soilScores({ firstDueBefore, now });

  const loop = await runChunks(
    session,
    chunkLoopOptions(options, options.maxChunks),
    async (tx) => {
      const { due, truths } = await selectDueSoilWork(tx, { firstDueBefore, now, limit: chunkSize });
      if (due.length === 0) return { worked: false, more: false };
      const plan = planSoilChunk(due, truths, now, policy);

      if (options.perRow) await writePerRow(tx, plan, due, truths, now);
      else {
        const deleteIds = [...plan.scored.map((s) => s.id), ...plan.discarded, ...plan.gaveUp];
        await moveSoilPredictions(tx, { scored: plan.scored, deleteIds, retries: plan.retries, scoredAt: now });
      }
      // Every time the chunk touched, scored or not: the chunk that leaves a time with nothing due rewrites it.
      sum.scoreRows += await rewriteScoreRows(tx, scores, distinctTimes(due.map((p) => p.targetTime)), now);

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

/** Each target time's score row from all its history: per uid the mean over the regions. Waits while some of the time is still due. */
function soilScores(due: SoilDueRule): ScoreHistory<{ targetTime: Date; uid: number; score: number }> {
  return {
    task: SOIL_TASK,
    load: (tx, times) => soilHistoryScores(tx, times, due),
    timeOf: (e) => e.targetTime,
    score: meanScoresByUid,
  };
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
