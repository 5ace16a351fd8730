// The cleanup step: finishes pending deregistration purges, then deletes rows past retention, table by
// table in dependency order, at most 1000 rows per transaction. Idempotent by nature: what is gone stays gone.
import {
  CLEANUP_BATCH_MAX,
  deleteExpiredBatch,
  purgeDeregistrations,
  RETENTION_DAYS,
  RETENTION_TARGETS,
  type AnySession,
  type PurgeSummary,
  type RetentionDays,
} from '../../validator';
import { boundedInt, chunkLoopOptions, runChunks, type ChunkHooks, type StopReason } from '../chunks';

const DAY_MS = 86_400_000;

export type CleanupStepOptions = {
  now: Date;
  /** Rows per transaction (default and maximum 1000). */
  batchSize?: number;
  /** Retention in days per kind of row (defaults: RETENTION_DAYS). */
  retentionDays?: Partial<RetentionDays>;
  /** Transactions per run (default 500). */
  maxBatches?: number;
  reserveMs?: number;
  hooks?: ChunkHooks;
};

export type CleanupStepSummary = {
  /** Rows deleted per retention target (see RETENTION_TARGETS). */
  deleted: Record<string, number>;
  totalDeleted: number;
  /** The most rows any one transaction deleted (<= batchSize). */
  largestBatch: number;
  purge: PurgeSummary;
  chunks: number;
  roundTrips: number;
  stoppedBy: StopReason;
};

export const DEFAULT_CLEANUP_MAX_BATCHES = 500;

export async function runCleanupStep(session: AnySession, options: CleanupStepOptions): Promise<CleanupStepSummary> {
  const batchSize = boundedInt('batchSize', options.batchSize, CLEANUP_BATCH_MAX, CLEANUP_BATCH_MAX);
  const retention: RetentionDays = { ...RETENTION_DAYS, ...options.retentionDays };
  for (const [k, days] of Object.entries(retention)) {
    if (!(days > 0) || !Number.isFinite(days)) throw new RangeError(`retentionDays.${k} must be > 0, got ${days}`);
  }
  const purge = await purgeDeregistrations(session, { batchSize });

  const deleted: Record<string, number> = Object.fromEntries(RETENTION_TARGETS.map((t) => [t.name, 0]));
  let largestBatch = 0;
  let target = 0;
  const loop = await runChunks(
    session,
    chunkLoopOptions(options, options.maxBatches, 'maxBatches', DEFAULT_CLEANUP_MAX_BATCHES),
    // One chunk deletes one batch of the current target; targets with nothing to delete are passed over
    // in the same transaction (a few empty index probes), so every transaction deletes <= batchSize rows.
    async (tx) => {
      for (; target < RETENTION_TARGETS.length; target++) {
        const t = RETENTION_TARGETS[target]!;
        const cutoff = new Date(options.now.getTime() - retention[t.retention] * DAY_MS);
        const n = await deleteExpiredBatch(tx, t, cutoff, batchSize);
        deleted[t.name] = (deleted[t.name] ?? 0) + n;
        largestBatch = Math.max(largestBatch, n);
        if (n === batchSize) return { worked: true, more: true };
        if (n > 0) {
          target++;
          return { worked: true, more: target < RETENTION_TARGETS.length };
        }
      }
      return { worked: false, more: false };
    },
  );
  const totalDeleted = Object.values(deleted).reduce((a, b) => a + b, 0);
  return { deleted, totalDeleted, largestBatch, purge, ...loop };
}
