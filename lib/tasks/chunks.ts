// The loop every step shares: work in chunks, each its own short transaction, until nothing is left, the
// chunk budget is spent or the session's time runs short. Counts round trips as it goes.
import { counting, type AnySession, type Sql, type StatementTally } from '../validator';

/** Test and benchmark hooks. A hook that throws ends the step there, like a killed process. */
export type ChunkHooks = {
  /** Inside the chunk's transaction, after its writes, before COMMIT (a test kills the connection here). */
  beforeCommit?: (chunk: number) => Promise<void> | void;
  /** After the chunk committed. */
  afterCommit?: (chunk: number) => Promise<void> | void;
};

export type ChunkLoopOptions = {
  maxChunks: number;
  /** No new chunk starts with less than this left of the session (ms). */
  reserveMs: number;
  hooks?: ChunkHooks;
};

export type StopReason = 'done' | 'max_chunks' | 'deadline';

export type ChunkLoopResult = {
  /** Chunks that found work (and committed it). */
  chunks: number;
  /** Statements plus BEGIN and COMMIT of every transaction, the last (empty) check included. */
  roundTrips: number;
  stoppedBy: StopReason;
};

/** What one chunk reports: whether it found anything, and whether more may be waiting. */
export type ChunkOutcome = { worked: boolean; more: boolean };

export const DEFAULT_RESERVE_MS = 3_000;
export const DEFAULT_MAX_CHUNKS = 200;

export async function runChunks(
  session: AnySession,
  options: ChunkLoopOptions,
  chunk: (tx: Sql, index: number) => Promise<ChunkOutcome>,
): Promise<ChunkLoopResult> {
  const tally: StatementTally = { statements: 0 };
  let transactions = 0;
  let chunks = 0;
  let stoppedBy: StopReason = 'max_chunks';
  for (let i = 1; i <= options.maxChunks; i++) {
    if (session.remainingMs < options.reserveMs) {
      stoppedBy = 'deadline';
      break;
    }
    transactions++;
    const outcome = await session.transaction(async (tx) => {
      const result = await chunk(counting(tx, tally), i);
      if (result.worked) await options.hooks?.beforeCommit?.(i);
      return result;
    });
    if (outcome.worked) {
      chunks++;
      await options.hooks?.afterCommit?.(i);
    }
    if (!outcome.more) {
      stoppedBy = 'done';
      break;
    }
  }
  return { chunks, roundTrips: tally.statements + 2 * transactions, stoppedBy };
}

/** The loop options from a step's own: the chunk budget bounded (named as the step calls it), reserve and hooks defaulted. */
export function chunkLoopOptions(
  options: { reserveMs?: number; hooks?: ChunkHooks },
  maxChunks: number | undefined,
  name = 'maxChunks',
  fallback = DEFAULT_MAX_CHUNKS,
): ChunkLoopOptions {
  return { maxChunks: boundedInt(name, maxChunks, fallback, 100_000), reserveMs: options.reserveMs ?? DEFAULT_RESERVE_MS, hooks: options.hooks };
}

/** A positive integer option within [1, max], or its default. */
export function boundedInt(name: string, value: number | undefined, fallback: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new RangeError(`${name} must be an integer in 1..${max}, got ${v}`);
  return v;
}

/** Distinct times (by instant), sorted. */
export function distinctTimes(times: Iterable<Date>): Date[] {
  return [...new Set([...times].map((t) => t.getTime()))].sort((a, b) => a - b).map((ms) => new Date(ms));
}
