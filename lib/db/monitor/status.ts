// From measurements to a status: each reason names the threshold it crossed. Messages carry counts and limits
// only (no pid, application or query), because the public GET /health shows them.
import { DbError, TimeoutError } from '../errors';
import type { DeltaCounters, HealthReason, HealthReport, HealthStatus, ReasonCode } from './report';
import { HEALTH_SETTINGS, type HealthThresholds } from './settings';

type Setting = keyof typeof HEALTH_SETTINGS;

function reason(code: ReasonCode, severity: HealthReason['severity'], message: string, setting: Setting | null, t: HealthThresholds | null, observed: number | null): HealthReason {
  return {
    code,
    severity,
    message,
    threshold: setting && t ? { setting, env: HEALTH_SETTINGS[setting].env, value: t[setting] } : null,
    observed,
  };
}

const s = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const named = (setting: Setting, t: HealthThresholds) => `${HEALTH_SETTINGS[setting].env} ${t[setting]}`;

/** Reasons of a check that completed. */
export function reasonsOf(r: Pick<HealthReport, 'connections' | 'longRunning' | 'idleInTransaction' | 'oldestTransaction' | 'blocking' | 'database'>, delta: DeltaCounters, t: HealthThresholds): HealthReason[] {
  const out: HealthReason[] = [];
  const c = r.connections;
  if (c && c.usedRatio >= t.connectionsFailingRatio) {
    out.push(reason('connections_critical', 'failing', `${c.used} of ${c.max} server connections in use (ratio ${c.usedRatio} >= ${named('connectionsFailingRatio', t)})`, 'connectionsFailingRatio', t, c.usedRatio));
  } else if (c && c.usedRatio >= t.connectionsDegradedRatio) {
    out.push(reason('connections_high', 'degraded', `${c.used} of ${c.max} server connections in use (ratio ${c.usedRatio} >= ${named('connectionsDegradedRatio', t)})`, 'connectionsDegradedRatio', t, c.usedRatio));
  }
  if (r.longRunning.count > 0) {
    out.push(reason('long_running', 'degraded', `${s(r.longRunning.count, 'statement')} running longer than ${named('longRunningMs', t)} ms`, 'longRunningMs', t, r.longRunning.count));
  }
  if (r.idleInTransaction.count > 0) {
    out.push(reason('idle_in_transaction', 'degraded', `${s(r.idleInTransaction.count, 'session')} idle in transaction longer than ${named('idleInTransactionMs', t)} ms`, 'idleInTransactionMs', t, r.idleInTransaction.count));
  }
  if (r.blocking.blockedCount > 0) {
    out.push(reason('blocked_sessions', 'degraded', `${s(r.blocking.blockedCount, 'session')} waiting on a lock longer than ${named('blockedMs', t)} ms`, 'blockedMs', t, r.blocking.blockedCount));
  }
  const oldest = r.oldestTransaction;
  if (oldest && oldest.ageMs >= t.oldestTransactionMs) {
    out.push(reason('old_transaction', 'degraded', `oldest open transaction is ${oldest.ageMs} ms old (>= ${named('oldestTransactionMs', t)} ms)`, 'oldestTransactionMs', t, oldest.ageMs));
  }
  const rtt = r.database.rttMs;
  if (rtt !== null && rtt >= t.rttDegradedMs) {
    out.push(reason('slow_round_trip', 'degraded', `round trip ${rtt} ms (>= ${named('rttDegradedMs', t)} ms)`, 'rttDegradedMs', t, rtt));
  }
  if (delta.leaks > 0) {
    out.push({
      code: 'pool_leaks',
      severity: 'degraded',
      message: `${s(delta.leaks, 'leak')} repaired by the pool since the last check (any leak is a bug)`,
      threshold: { setting: 'leaksSinceLastCheck', env: undefined, value: 0 },
      observed: delta.leaks,
    });
  }
  return out;
}

/** The one reason of a check that could not complete: the database did not answer in time, or refused. */
export function failureReason(err: unknown, t: HealthThresholds): HealthReason {
  if (err instanceof TimeoutError) {
    // The session deadline is the check's (or the invocation's, when shorter); everything else happens inside
    // the check's unit, which HEALTH_STATEMENT_TIMEOUT_MS bounds from acquire to COMMIT.
    if (err.kind === 'deadline') {
      return reason('database_timeout', 'failing', `database timeout: the check's deadline passed (${named('checkTimeoutMs', t)} ms, or the invocation's remaining time when shorter)`, 'checkTimeoutMs', t, null);
    }
    return reason('database_timeout', 'failing', `database timeout: ${err.kind} did not finish within ${named('statementTimeoutMs', t)} ms (${err.code})`, 'statementTimeoutMs', t, null);
  }
  const code = err instanceof DbError ? err.code : 'UNKNOWN';
  if (['CONNECTION_FAILED', 'CONNECTION_LOST', 'AUTHENTICATION_FAILED', 'TOO_MANY_CONNECTIONS'].includes(code)) {
    return reason('database_unreachable', 'failing', `database unreachable (${code})`, null, null, null);
  }
  return reason('check_failed', 'failing', `health check query failed (${code})`, null, null, null);
}

export function statusOf(reasons: readonly HealthReason[]): HealthStatus {
  if (reasons.some((r) => r.severity === 'failing')) return 'failing';
  return reasons.length > 0 ? 'degraded' : 'ok';
}
