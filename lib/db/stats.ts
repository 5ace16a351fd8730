// Counters of the layer: pool state plus what went wrong, for the health report and metrics.
import type { TimeoutKind } from './errors';

export type PoolCounters = {
  /** Open connections (idle + acquired + on their way to a caller, e.g. being validated). */
  total: number;
  idle: number;
  acquired: number;
  /** Callers queued for a connection. */
  waiting: number;
  created: number;
  destroyed: number;
  /** Connections that died on their own (socket error, server terminated) or failed validation. */
  errors: number;
  /** Connections or transactions a session left behind and the layer repaired. */
  leaks: number;
};

export type LayerCounters = {
  sessions: number;
  transactions: number;
  commits: number;
  rollbacks: number;
  retries: number;
  connectionLosses: number;
  /** Stale connections replaced after failed validation (e.g. after a Lambda freeze). */
  staleReplaced: number;
  timeouts: Record<TimeoutKind, number>;
  slowStatements: number;
};

export type DatabaseStats = { pool: PoolCounters; layer: LayerCounters };

export function newLayerCounters(): LayerCounters {
  return {
    sessions: 0,
    transactions: 0,
    commits: 0,
    rollbacks: 0,
    retries: 0,
    connectionLosses: 0,
    staleReplaced: 0,
    timeouts: { connect: 0, acquire: 0, validation: 0, statement: 0, lock: 0, idle_in_transaction: 0, transaction: 0, deadline: 0 },
    slowStatements: 0,
  };
}

/** What one session did; logged as one structured line when it ends (and given to SessionOptions.onSummary). */
export type SessionSummary = {
  session: number;
  name: string | undefined;
  outcome: 'ok' | 'error';
  errorCode: string | undefined;
  durationMs: number;
  queries: number;
  transactions: number;
  rollbacks: number;
  retries: number;
  dbTimeMs: number;
  acquireWaitMs: number;
  leaks: number;
  /** Connections that died under this session's statements. */
  connectionLosses: number;
  /** This session's timeouts by kind; kinds that did not happen are absent. */
  timeouts: Partial<Record<TimeoutKind, number>>;
};
