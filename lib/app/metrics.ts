// CloudWatch metric names shared by the health job (which emits them as EMF) and infra/monitoring.ts
// (alarms and dashboard). Plain data: an alarm only fires if the name AND the full dimension set
// match what is emitted, so both sides read them from here.

/** EMF namespace; infra also sets POWERTOOLS_METRICS_NAMESPACE to it on every function. */
export const METRICS_NAMESPACE = 'GaiaValidator';

/**
 * The metrics of the scheduled health check. Every one carries exactly the dimension set
 * `{ service }` (Powertools adds `service` from POWERTOOLS_SERVICE_NAME, set by infra to
 * `serviceNameFor(stage)`), except TimeoutsByKind which carries `{ service, kind }`
 * (emit it with `metrics.singleMetric()` so `kind` does not leak onto the other metrics).
 */
export const HEALTH_METRICS = {
  /** 0 ok, 1 degraded, 2 failing (see HEALTH_STATUS). Unit: None. */
  HealthStatus: 'HealthStatus',
  /** Server round trip of `SELECT 1`. Unit: Milliseconds. */
  RoundTripMs: 'RoundTripMs',
  /** Server connections in use / max_connections, 0..1. Unit: None. */
  ConnectionsUsedRatio: 'ConnectionsUsedRatio',
  /** Server connections in use (client backends). Unit: Count. */
  ConnectionsUsed: 'ConnectionsUsed',
  /** The server's max_connections. Unit: Count. */
  ConnectionsMax: 'ConnectionsMax',
  /** Sessions idle in transaction longer than the threshold. Unit: Count. */
  IdleInTransaction: 'IdleInTransaction',
  /** Statements running longer than the threshold. Unit: Count. */
  LongRunning: 'LongRunning',
  /** Age of the oldest open transaction. Unit: Seconds. */
  OldestTransactionAgeSeconds: 'OldestTransactionAgeSeconds',
  /** Sessions waiting on a lock held by another session. Unit: Count. */
  BlockedSessions: 'BlockedSessions',
  /** Pool acquire wait (queue) of the invocation. Unit: Milliseconds. */
  PoolAcquireWaitMs: 'PoolAcquireWaitMs',
  /** Leaked pooled connections detected and repaired. Unit: Count. */
  Leaks: 'Leaks',
  /** Timeouts, one series per `kind` (TIMEOUT_KINDS). Unit: Count. */
  TimeoutsByKind: 'TimeoutsByKind',
} as const;

export type HealthMetricName = (typeof HEALTH_METRICS)[keyof typeof HEALTH_METRICS];

/** Values of HealthStatus. */
export const HEALTH_STATUS = { ok: 0, degraded: 1, failing: 2 } as const;

/** Dimension names. */
export const METRIC_DIMENSIONS = { service: 'service', kind: 'kind' } as const;

/** Values of the `kind` dimension of TimeoutsByKind: one per deadline of the timeout hierarchy. */
export const TIMEOUT_KINDS = [
  'connect',
  'acquire',
  'statement',
  'lock',
  'idle_in_transaction',
  'transaction',
  'session',
] as const;
export type TimeoutKind = (typeof TIMEOUT_KINDS)[number];

/** The `service` dimension value (POWERTOOLS_SERVICE_NAME) of a stage: stages share an account. */
export function serviceNameFor(stage: string): string {
  return `gaia-validator-${stage}`;
}

/** Alarm thresholds (infra/monitoring.ts). The health job runs every 5 minutes. */
export const ALARM_THRESHOLDS = {
  /** HealthStatus >= failing for 2 consecutive 5-minute periods (missing data counts as failing). */
  healthStatusFailing: HEALTH_STATUS.failing,
  /** Any session idle in transaction for 3 consecutive checks. */
  idleInTransaction: 1,
  /** Connections used >= 80% of max_connections for 2 consecutive checks. */
  connectionsUsedRatio: 0.8,
  /** Any leak in a 5-minute period. */
  leaks: 1,
} as const;
