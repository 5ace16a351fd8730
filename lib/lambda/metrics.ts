// CloudWatch metrics as EMF lines (Powertools Metrics): the health report in the names and dimensions that
// infra/monitoring.ts alarms on (lib/app/metrics.ts). Dimension set: { service } on every metric, plus
// `kind` on TimeoutsByKind only (emitted as single metrics so `kind` does not leak onto the others).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { HEALTH_METRICS, HEALTH_STATUS, METRICS_NAMESPACE, METRIC_DIMENSIONS, type TimeoutKind as MetricTimeoutKind } from '../app/metrics';
import type { HealthReport, TimeoutKind } from '../db';

/** One per container; service from POWERTOOLS_SERVICE_NAME (set by infra per stage). */
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'gaia-validator',
});

/** The layer's timeout kinds as values of the `kind` dimension. */
const KIND_DIMENSION: Record<TimeoutKind, MetricTimeoutKind> = {
  connect: 'connect',
  // A stale pooled connection whose ping timed out: a connection that could not be had in time.
  validation: 'connect',
  acquire: 'acquire',
  statement: 'statement',
  lock: 'lock',
  idle_in_transaction: 'idle_in_transaction',
  transaction: 'transaction',
  // The session's deadline (the invocation's remaining time).
  deadline: 'session',
};

/**
 * Emits the report's metrics and flushes them. Counters are per check (deltas since the previous check in
 * this container), so a period's Sum is meaningful. Sections the check could not measure (database
 * unreachable) are not emitted at all: no data, rather than a zero that would read as "all clear".
 */
export function publishHealthMetrics(report: HealthReport, target: Metrics = metrics): void {
  const m = HEALTH_METRICS;
  target.addMetric(m.HealthStatus, MetricUnit.NoUnit, HEALTH_STATUS[report.status]);
  target.addMetric(m.PoolAcquireWaitMs, MetricUnit.Milliseconds, report.pool.acquireWaitMs);
  target.addMetric(m.Leaks, MetricUnit.Count, report.sinceLastCheck.leaks);
  if (report.database.rttMs !== null) target.addMetric(m.RoundTripMs, MetricUnit.Milliseconds, report.database.rttMs);
  const c = report.connections;
  if (c) {
    target.addMetric(m.ConnectionsUsed, MetricUnit.Count, c.used);
    target.addMetric(m.ConnectionsMax, MetricUnit.Count, c.max);
    target.addMetric(m.ConnectionsUsedRatio, MetricUnit.NoUnit, c.usedRatio);
    target.addMetric(m.LongRunning, MetricUnit.Count, report.longRunning.count);
    target.addMetric(m.IdleInTransaction, MetricUnit.Count, report.idleInTransaction.count);
    target.addMetric(m.BlockedSessions, MetricUnit.Count, report.blocking.blockedCount);
    target.addMetric(m.OldestTransactionAgeSeconds, MetricUnit.Seconds, (report.oldestTransaction?.ageMs ?? 0) / 1000);
  }
  target.publishStoredMetrics();

  for (const [kind, count] of timeoutsByKind(report)) {
    const single = target.singleMetric();
    single.addDimension(METRIC_DIMENSIONS.kind, kind);
    single.addMetric(m.TimeoutsByKind, MetricUnit.Count, count);
  }
}

/** Timeouts since the previous check, by dimension value; kinds with none are left out. */
export function timeoutsByKind(report: HealthReport): Map<MetricTimeoutKind, number> {
  const out = new Map<MetricTimeoutKind, number>();
  for (const [kind, n] of Object.entries(report.sinceLastCheck.timeouts) as [TimeoutKind, number][]) {
    if (n <= 0) continue;
    const dim = KIND_DIMENSION[kind];
    out.set(dim, (out.get(dim) ?? 0) + n);
  }
  return out;
}
