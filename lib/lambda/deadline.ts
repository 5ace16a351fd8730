// The invocation's deadline: what Lambda says is left, minus a margin to answer and log before the kill.
import type { Context } from 'aws-lambda';

export const DEFAULT_MARGIN_MS = 1_000;

export function marginFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.LAMBDA_DEADLINE_MARGIN_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_MARGIN_MS;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`LAMBDA_DEADLINE_MARGIN_MS must be a non-negative integer; got "${raw}"`);
  return v;
}

/** Absolute epoch-ms deadline for the session of this invocation. */
export function deadlineOf(context: Pick<Context, 'getRemainingTimeInMillis'>, marginMs: number, now = Date.now()): number {
  const remaining = context.getRemainingTimeInMillis();
  // Never below a sliver: a session with no time at all fails fast with DeadlineExceededError.
  return now + Math.max(1, remaining - marginMs);
}
