// CloudWatch metric names shared by the functions (which emit them as EMF) and infra/monitoring.ts (alarms and
// dashboard). Plain data: an alarm only fires if the name AND the full dimension set match what is emitted, so
// both sides read them from here.

/** EMF namespace; infra also sets POWERTOOLS_METRICS_NAMESPACE to it on every function. */
export const METRICS_NAMESPACE = 'GaiaValidator';

/**
 * The metrics of the scheduled health check: facts about the database as a whole. Every one carries exactly the
 * dimension set `{ service }` (Powertools adds `service` from POWERTOOLS_SERVICE_NAME, set by infra to
 * `serviceNameFor(stage)`).
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
} as const;

/** Values of HealthStatus. */
export const HEALTH_STATUS = { ok: 0, degraded: 1, failing: 2 } as const;

/** Dimension names. */
export const METRIC_DIMENSIONS = { service: 'service', function: 'function' } as const;

/**
 * The figures of one invocation's database session, published by every function (lib/lambda/invocation-metrics.ts)
 * as one EMF line with two dimension sets: `{ service }` (the fleet: alarms read it) and `{ service, function }`
 * (one function: the dashboard). DbTimeMs, RoundTrips and PoolAcquireWaitMs are in every line (zeros for an
 * invocation that opened no session, e.g. a request refused before it); the counters of what went wrong (Leaks,
 * Retries, ConnectionLosses, Timeouts and TIMEOUT_METRICS by kind, SessionErrors) only when non-zero, so their
 * alarms treat missing data as none; JobSucceeded only in a successful scheduled run's line.
 */
export const INVOCATION_METRICS = {
  /** Client time spent in statements (and driver calls standing for them). Unit: Milliseconds. */
  DbTimeMs: 'DbTimeMs',
  /** Statements sent (BEGIN and COMMIT included): the session's round trips. Unit: Count. */
  RoundTrips: 'RoundTrips',
  /** Time spent waiting for a pooled connection. Unit: Milliseconds. */
  PoolAcquireWaitMs: 'PoolAcquireWaitMs',
  /** Transactions or statements the session left behind and the layer repaired. Unit: Count. */
  Leaks: 'Leaks',
  /** Transaction attempts re-run after a serialization failure or deadlock. Unit: Count. */
  Retries: 'Retries',
  /** Connections that died under the session's statements. Unit: Count. */
  ConnectionLosses: 'ConnectionLosses',
  /** Timeouts of every kind. Unit: Count. */
  Timeouts: 'Timeouts',
  /** 1 when the session's callback failed (a database fault, or a refusal thrown inside it), else 0. Unit: Count. */
  SessionErrors: 'SessionErrors',
  /** The heartbeat: 1 per successful run of a scheduled job (absent otherwise). Unit: Count. */
  JobSucceeded: 'JobSucceeded',
} as const;

/** The timeout kinds of the hierarchy as metrics: one deadline each. */
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

/** The metric of each timeout kind (in the invocation line, only when non-zero). Unit: Count. */
export const TIMEOUT_METRICS: Readonly<Record<TimeoutKind, string>> = {
  connect: 'TimeoutsConnect',
  acquire: 'TimeoutsAcquire',
  statement: 'TimeoutsStatement',
  lock: 'TimeoutsLock',
  idle_in_transaction: 'TimeoutsIdleInTransaction',
  transaction: 'TimeoutsTransaction',
  session: 'TimeoutsSession',
};

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
  /** Any leak in any function in a 5-minute period. */
  leaks: 1,
  /** Any Lambda error (an unhandled exception, a timeout, a crash) of a function in a 5-minute period. */
  lambdaErrors: 1,
  /** Any throttled invocation of a function in a 5-minute period. */
  lambdaThrottles: 1,
  /** Duration p99 above this fraction of the function's timeout, for 3 consecutive 5-minute periods. */
  durationOfTimeout: 0.8,
  /** API responses that are 5XX, percent of all responses in a 5-minute period (with at least apiMinRequests). */
  api5xxPercent: 5,
  apiMinRequests: 10,
  /** A job's heartbeat (JobSucceeded) missing for this many of its periods. */
  jobMissedPeriods: 2,
  /** Any message in the failed-runs queue. */
  failedRuns: 1,
} as const;

/**
 * The period of a job's EventBridge cron expression, in seconds: every N minutes, hourly (a fixed minute) or daily
 * (a fixed minute and hour). The heartbeat alarm waits for `jobMissedPeriods` of them.
 */
export function cronPeriodSeconds(cron: string): number {
  const fields = /^cron\((.*)\)$/.exec(cron.trim())?.[1]?.trim().split(/\s+/);
  if (!fields || fields.length !== 6) throw new Error(`not an EventBridge cron expression: ${cron}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  const everyDay = dayOfMonth === '*' && month === '*' && dayOfWeek === '?';
  const step = (field: string) => (field === '*' ? 1 : /^\*\/(\d+)$/.exec(field)?.[1]);
  if (everyDay && hour === '*' && step(minute)) return Number(step(minute)) * 60;
  if (everyDay && /^\d+$/.test(minute) && step(hour)) return Number(step(hour)) * 3600;
  if (everyDay && /^\d+$/.test(minute) && /^\d+$/.test(hour)) return 86_400;
  throw new Error(`cron period not derivable (every N minutes, hourly or daily only): ${cron}`);
}
