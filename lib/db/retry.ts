// Opt-in retry of serialization failures and deadlocks: capped exponential backoff with full jitter.
import { DeadlockError, SerializationFailureError } from './errors';

export type RetryPolicy = { attempts: number; baseDelayMs: number; maxDelayMs: number };

/** Only the conflicts that a re-run of the whole transaction can resolve. */
export function isRetryableConflict(err: unknown): boolean {
  return err instanceof SerializationFailureError || err instanceof DeadlockError;
}

export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.random() * ceiling;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
