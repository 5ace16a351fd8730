// checkHealth: one short session, at most three round trips (BEGIN with SET LOCAL timeouts, the snapshot, COMMIT),
// bounded by its own deadline. Whatever the database does, the answer is a report: a database that does not
// answer yields `failing`, never a thrown error or a hung invocation. Concurrent calls share one check.
import type { Database } from '../database';
import { TimeoutError, isDbError, type TimeoutKind } from '../errors';
import { defaultLogger, type DbLogger } from '../log';
import { redact } from '../redact';
import type { Session } from '../session';
import type { DatabaseStats, SessionSummary } from '../stats';
import { parseSnapshot, round, sectionsOf, type RawSnapshot } from './observation';
import type { DeltaCounters, HealthReport, PolicyAction } from './report';
import { loadHealthPolicy, loadHealthThresholds, POLICY_OFF, type HealthPolicy, type HealthPolicyInput, type HealthThresholds, type HealthThresholdsInput } from './settings';
import { SNAPSHOT_SQL, snapshotParams } from './snapshot-sql';
import { failureReason, reasonsOf, statusOf } from './status';

export type CheckHealthOptions = {
  /** Opt-in action on this application's offenders; omitted = off. Unset fields come from HEALTH_* env. */
  policy?: HealthPolicyInput;
  /** Absolute deadline (epoch ms), e.g. the Lambda's remaining time; the check also stops at checkTimeoutMs. */
  deadline?: number;
  logger?: DbLogger;
  /** Environment for HEALTH_* settings (default process.env). */
  env?: Record<string, string | undefined>;
  /** Receives the check's session summary (as SessionOptions.onSummary), e.g. for the invocation's metrics. */
  onSummary?: (summary: SessionSummary) => void;
};

/** The snapshot and the client time of its unit (pool wait included). */
type Observation = { raw: RawSnapshot; unitMs: number };

const previousStats = new WeakMap<object, DatabaseStats>();
const inFlight = new WeakMap<object, Map<string, Promise<HealthReport>>>();
let fallback: DbLogger | undefined;

/** Runs the health check on `db`. Bad thresholds reject with ConfigError; everything else is in the report. */
export function checkHealth<S extends Record<string, unknown>>(
  db: Database<S>,
  thresholds: HealthThresholdsInput = {},
  options: CheckHealthOptions = {},
): Promise<HealthReport> {
  let t: HealthThresholds;
  let policy: HealthPolicy;
  try {
    t = loadHealthThresholds(thresholds, options.env);
    policy = options.policy === undefined ? POLICY_OFF : loadHealthPolicy(options.policy, options.env);
  } catch (err) {
    return Promise.reject(err);
  }
  // A check already running with the same settings is joined, not repeated: checks never pile up.
  const key = JSON.stringify([t, policy]);
  const running = inFlight.get(db) ?? new Map<string, Promise<HealthReport>>();
  inFlight.set(db, running);
  const existing = running.get(key);
  if (existing) return existing;
  const check = runCheck(db, t, policy, options).finally(() => running.delete(key));
  running.set(key, check);
  return check;
}

async function runCheck<S extends Record<string, unknown>>(db: Database<S>, t: HealthThresholds, policy: HealthPolicy, options: CheckHealthOptions): Promise<HealthReport> {
  const started = performance.now();
  const checkedAt = new Date().toISOString();
  const logger = options.logger ?? (fallback ??= defaultLogger());
  let summary: SessionSummary | undefined;
  let observation: Observation | undefined;
  let failure: unknown;
  try {
    observation = await db.session((s) => observe(s, t, policy, db.config.applicationName), {
      deadline: Math.min(Date.now() + t.checkTimeoutMs, options.deadline ?? Number.POSITIVE_INFINITY),
      name: 'health',
      logger: tapSummary(logger, (line) => (summary = line)),
      onSummary: options.onSummary,
    });
  } catch (err) {
    failure = err;
  }

  const stats = db.stats();
  const delta = deltaOf(previousStats.get(db), stats);
  previousStats.set(db, stats);
  const roundTrips = summary?.queries ?? 0;
  const acquireWaitMs = round(summary?.acquireWaitMs ?? 0);
  const measured = observation ? measure(observation, policy, t, roundTrips, acquireWaitMs) : unmeasured(failure, policy);
  const reasons = observation ? reasonsOf(measured, delta, t) : [failureReason(failure, t)];
  logActions(logger, policy, measured.policy.actions);
  return {
    status: statusOf(reasons),
    reasons,
    checkedAt,
    durationMs: round(performance.now() - started),
    roundTrips,
    driver: db.driverName,
    profile: db.profile.name,
    scope: t.scope,
    ...measured,
    pool: { ...stats.pool, acquireWaitMs },
    layer: stats.layer,
    sinceLastCheck: delta,
    thresholds: t,
  };
}

type Measured = Pick<HealthReport, 'database' | 'connections' | 'longRunning' | 'idleInTransaction' | 'oldestTransaction' | 'blocking' | 'policy'>;

function measure(o: Observation, policy: HealthPolicy, t: HealthThresholds, roundTrips: number, acquireWaitMs: number): Measured {
  const serverMs = round(o.raw.serverMs);
  const queryMs = round(Math.max(0, o.unitMs - acquireWaitMs));
  const { actions, ...sections } = sectionsOf(o.raw, policy, t.maxListed);
  return {
    database: {
      reachable: true,
      // What is left of the unit without pool wait and the server's work is network and protocol: per round trip.
      rttMs: round(Math.max(0, queryMs - serverMs) / Math.max(1, roundTrips)),
      queryMs,
      serverMs,
      serverVersion: o.raw.serverVersion,
      serverVersionNum: o.raw.serverVersionNum,
      error: null,
    },
    ...sections,
    policy: { ...policy, actions },
  };
}

/** A check that could not take its snapshot: nothing was measured (null or empty sections, not zeros of a count). */
function unmeasured(failure: unknown, policy: HealthPolicy): Measured {
  return {
    database: {
      // A server that answered with an error (e.g. its statement_timeout) was reachable.
      reachable: isDbError(failure) && failure.sqlstate !== undefined,
      rttMs: null,
      queryMs: null,
      serverMs: null,
      serverVersion: null,
      serverVersionNum: null,
      error: errorOf(failure),
    },
    connections: null,
    longRunning: { count: 0, sessions: [] },
    idleInTransaction: { count: 0, sessions: [] },
    oldestTransaction: null,
    blocking: { blockedCount: 0, sessions: [], chains: [] },
    policy: { ...policy, actions: [] },
  };
}

/**
 * The check's work inside its session: the snapshot as a one-statement read-only batch under the check's own
 * statement timeout. On drivers with transactions that is BEGIN (with SET LOCAL statement_timeout, from
 * timeoutMs) + snapshot + COMMIT; on neon-http it is one request.
 */
async function observe<S extends Record<string, unknown>>(s: Session<S>, t: HealthThresholds, policy: HealthPolicy, applicationName: string): Promise<Observation> {
  const started = performance.now();
  const [result] = await s.batch<{ snapshot: unknown }>([{ text: SNAPSHOT_SQL, params: snapshotParams(t, policy, applicationName) }], {
    readOnly: true,
    timeoutMs: t.statementTimeoutMs,
  });
  return { raw: parseSnapshot(result?.rows[0]?.snapshot), unitMs: performance.now() - started };
}

/** Forwards every line and keeps the session's summary: its `queries` is the honest round-trip count. */
function tapSummary(base: DbLogger, onSummary: (s: SessionSummary) => void): DbLogger {
  return {
    debug: (m, f) => base.debug(m, f),
    info: (m, f) => {
      if (m === 'session summary' && f) onSummary(f as SessionSummary);
      base.info(m, f);
    },
    warn: (m, f) => base.warn(m, f),
    error: (m, f) => base.error(m, f),
  };
}

function deltaOf(before: DatabaseStats | undefined, now: DatabaseStats): DeltaCounters {
  const l = now.layer;
  const b = before?.layer;
  const timeouts = {} as Record<TimeoutKind, number>;
  for (const kind of Object.keys(l.timeouts) as TimeoutKind[]) timeouts[kind] = l.timeouts[kind] - (b?.timeouts[kind] ?? 0);
  return {
    leaks: now.pool.leaks - (before?.pool.leaks ?? 0),
    retries: l.retries - (b?.retries ?? 0),
    connectionLosses: l.connectionLosses - (b?.connectionLosses ?? 0),
    staleReplaced: l.staleReplaced - (b?.staleReplaced ?? 0),
    timeouts,
  };
}

function errorOf(err: unknown): HealthReport['database']['error'] {
  if (isDbError(err)) return { code: err.code, kind: err instanceof TimeoutError ? err.kind : undefined, message: redact(err.message) };
  return { code: 'UNKNOWN', kind: undefined, message: redact(err instanceof Error ? err.message : String(err)) };
}

function logActions(logger: DbLogger, policy: HealthPolicy, actions: readonly PolicyAction[]): void {
  for (const a of actions) {
    const verb = a.action === 'cancel' ? 'cancel statement' : 'terminate session';
    const message = policy.mode === 'enforce' ? `health policy: ${verb}` : `health policy (dry run): would ${verb}`;
    logger.warn(message, { pid: a.pid, application: a.application, reason: a.reason, fingerprint: a.query?.id, signalled: a.signalled });
  }
}
