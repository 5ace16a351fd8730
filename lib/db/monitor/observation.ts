// Turns the snapshot's JSON into report sections. Query texts are fingerprinted here, at the boundary,
// so no literal from pg_stat_activity goes further than this file.
import { QueryError } from '../errors';
import { blockingChains } from './locks';
import { activityFingerprint } from './query-text';
import type { ActivitySession, HealthReport, LockSession, PolicyAction } from './report';
import { POLICY_SETTINGS, type HealthPolicy } from './settings';

type RawSession = {
  pid: number;
  app: string | null;
  usr: string | null;
  db: string | null;
  state: string | null;
  backend_type?: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query: string | null;
  duration_ms?: number | null;
  query_ms?: number | null;
  xact_ms: number | null;
  blocked_by?: number[] | null;
};

type RawAction = { pid: number; app: string | null; query: string | null; action: 'cancel' | 'terminate'; observed_ms: number; limit_ms: number; signalled: boolean | null };

export type RawSnapshot = {
  serverVersion: string;
  serverVersionNum: number;
  maxConnections: number;
  superuserReserved: number;
  reserved: number;
  ownPid: number;
  connections: number;
  ours: number;
  byApplication: { application: string | null; state: string; count: number }[];
  longRunningCount: number;
  longRunning: RawSession[];
  idleInTransactionCount: number;
  idleInTransaction: RawSession[];
  blockedCount: number;
  lockSessions: RawSession[];
  oldest: { pid: number; app: string | null; xact_ms: number } | null;
  actions: RawAction[];
  serverMs: number;
};

/** The snapshot column as the driver returned it: parsed JSON (pg, PGlite, Neon) or text (Data API). */
export function parseSnapshot(value: unknown): RawSnapshot {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as RawSnapshot).maxConnections !== 'number') {
    throw new QueryError('health snapshot returned an unexpected shape');
  }
  return parsed as RawSnapshot;
}

export type Sections = Pick<HealthReport, 'connections' | 'longRunning' | 'idleInTransaction' | 'oldestTransaction' | 'blocking'> & {
  actions: PolicyAction[];
};

export function sectionsOf(raw: RawSnapshot, policy: HealthPolicy, maxListed: number): Sections {
  const slots = raw.maxConnections - raw.superuserReserved - raw.reserved;
  const lockSessions = raw.lockSessions.map(lockSession);
  return {
    connections: {
      used: raw.connections,
      max: raw.maxConnections,
      superuserReserved: raw.superuserReserved,
      reserved: raw.reserved,
      available: Math.max(0, slots - raw.connections),
      usedRatio: raw.maxConnections > 0 ? round(raw.connections / raw.maxConnections, 4) : 0,
      ours: raw.ours,
      byApplication: raw.byApplication.map((g) => ({ application: appName(g.application), state: g.state, count: g.count })),
    },
    longRunning: { count: raw.longRunningCount, sessions: raw.longRunning.map(session) },
    idleInTransaction: { count: raw.idleInTransactionCount, sessions: raw.idleInTransaction.map(session) },
    oldestTransaction: raw.oldest ? { ageMs: ms(raw.oldest.xact_ms)!, pid: raw.oldest.pid, application: appName(raw.oldest.app) } : null,
    blocking: {
      blockedCount: raw.blockedCount,
      sessions: lockSessions.slice(0, 5 * maxListed),
      chains: blockingChains(new Map(lockSessions.map((s) => [s.pid, s.blockedBy])), maxListed),
    },
    actions: raw.actions.map((a) => action(a, policy)),
  };
}

function session(r: RawSession): ActivitySession {
  return {
    pid: r.pid,
    application: appName(r.app),
    user: r.usr,
    database: r.db,
    state: r.state,
    durationMs: ms(r.duration_ms ?? r.query_ms),
    transactionAgeMs: ms(r.xact_ms),
    waitEventType: r.wait_event_type,
    waitEvent: r.wait_event,
    query: activityFingerprint(r.query),
  };
}

function lockSession(r: RawSession): LockSession {
  const blockedBy = r.blocked_by ?? [];
  // A waiter's duration is how long it has waited; a root blocker's is how long its transaction is open.
  return { ...session(r), durationMs: ms(blockedBy.length > 0 ? r.query_ms : r.xact_ms), backendType: r.backend_type ?? null, blockedBy };
}

function action(a: RawAction, policy: HealthPolicy): PolicyAction {
  const env = a.action === 'cancel' ? POLICY_SETTINGS.cancelAfterMs.env : POLICY_SETTINGS.terminateIdleAfterMs.env;
  const what = a.action === 'cancel' ? 'statement active' : 'idle in transaction';
  const observedMs = ms(a.observed_ms)!;
  return {
    action: a.action,
    pid: a.pid,
    application: appName(a.app),
    reason: `${what} ${observedMs} ms >= ${env} ${a.limit_ms}`,
    observedMs,
    limitMs: a.limit_ms,
    query: activityFingerprint(a.query),
    executed: policy.mode === 'enforce',
    signalled: a.signalled,
  };
}

function appName(app: string | null): string {
  return app === null || app === '' ? '(none)' : app;
}

function ms(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : Math.round(v);
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
