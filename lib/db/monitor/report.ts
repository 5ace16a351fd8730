// The shape of one health report: what the scheduled job logs and turns into metrics.
// Query texts appear only as fingerprints (literals replaced); docs/OPERATIONS.md explains every field.
import type { TimeoutKind } from '../errors';
import type { Fingerprint } from '../fingerprint';
import type { LayerCounters, PoolCounters } from '../stats';
import type { HealthPolicy, HealthScope, HealthThresholds, PolicyMode } from './settings';

export type HealthStatus = 'ok' | 'degraded' | 'failing';

export const REASON_CODES = [
  'database_unreachable',
  'database_timeout',
  'check_failed',
  'connections_critical',
  'connections_high',
  'long_running',
  'idle_in_transaction',
  'blocked_sessions',
  'old_transaction',
  'slow_round_trip',
  'pool_leaks',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export type HealthReason = {
  code: ReasonCode;
  severity: Exclude<HealthStatus, 'ok'>;
  /** Counts and limits only: no pid, application or query text (the API shows it as is). */
  message: string;
  /** The threshold that was crossed: setting key, its environment variable, its value. */
  threshold: { setting: string; env: string | undefined; value: number } | null;
  /** What was measured against it (count, ratio, milliseconds). */
  observed: number | null;
};

/** A session of pg_stat_activity as the report shows it. */
export type ActivitySession = {
  pid: number;
  application: string;
  user: string | null;
  database: string | null;
  state: string | null;
  /** Running (long-running), idle (idle in transaction) or waiting (blocked), in ms. */
  durationMs: number | null;
  transactionAgeMs: number | null;
  waitEventType: string | null;
  waitEvent: string | null;
  /** Normalised statement text (literals replaced by ?) and its hash. */
  query: Fingerprint | null;
};

export type LockSession = ActivitySession & {
  backendType: string | null;
  /** Pids this session waits for (pg_blocking_pids); empty for a blocker that waits on nobody. */
  blockedBy: number[];
};

export type PolicyAction = {
  action: 'cancel' | 'terminate';
  pid: number;
  application: string;
  /** Why, naming the limit: e.g. "active 65000 ms >= HEALTH_CANCEL_AFTER_MS 60000". */
  reason: string;
  observedMs: number;
  limitMs: number;
  query: Fingerprint | null;
  /** false in dry-run: reported, not done. */
  executed: boolean;
  /** What pg_cancel_backend / pg_terminate_backend answered (null when not executed). */
  signalled: boolean | null;
};

export type DeltaCounters = {
  leaks: number;
  retries: number;
  connectionLosses: number;
  staleReplaced: number;
  timeouts: Record<TimeoutKind, number>;
};

export type HealthReport = {
  status: HealthStatus;
  reasons: HealthReason[];
  checkedAt: string;
  durationMs: number;
  /** Statements the check sent (BEGIN, snapshot, COMMIT), counted by the session layer. */
  roundTrips: number;
  driver: string;
  profile: string;
  scope: HealthScope;
  database: {
    reachable: boolean;
    /** Average network round trip of the check's statements: (queryMs - serverMs) / roundTrips. */
    rttMs: number | null;
    /** Client time of the check's unit (BEGIN + snapshot + COMMIT), pool wait excluded. */
    queryMs: number | null;
    /** The server's own time on the snapshot statement. */
    serverMs: number | null;
    serverVersion: string | null;
    serverVersionNum: number | null;
    error: { code: string; kind: string | undefined; message: string } | null;
  };
  connections: {
    /** Client backends on the whole server. */
    used: number;
    max: number;
    superuserReserved: number;
    reserved: number;
    /** Slots an ordinary role can still take: max - reserved slots - used. */
    available: number;
    usedRatio: number;
    /** Connections with our application_name. */
    ours: number;
    byApplication: { application: string; state: string; count: number }[];
  } | null;
  longRunning: { count: number; sessions: ActivitySession[] };
  idleInTransaction: { count: number; sessions: ActivitySession[] };
  oldestTransaction: { ageMs: number; pid: number; application: string } | null;
  blocking: {
    /** Sessions waiting on a lock longer than blockedMs. */
    blockedCount: number;
    sessions: LockSession[];
    /** Who blocks whom: each chain from a root blocker (waits on nobody) down to a waiter, as pids. */
    chains: number[][];
  };
  policy: { mode: PolicyMode; cancelAfterMs: number; terminateIdleAfterMs: number; actions: PolicyAction[] };
  /** This container's pool, plus the check's own acquire wait. */
  pool: PoolCounters & { acquireWaitMs: number };
  /** This container's layer counters since it started. */
  layer: LayerCounters;
  /** Layer counters since the previous check in this container (all of them on the first check). */
  sinceLastCheck: DeltaCounters;
  thresholds: HealthThresholds;
};

export type { HealthPolicy };
