// CloudWatch metrics as EMF lines (Powertools Metrics), in the names and dimensions infra/monitoring.ts alarms on
// (lib/app/metrics.ts): the health report's database facts (this file) and every invocation's session figures
// (invocation-metrics.ts).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { HEALTH_METRICS, HEALTH_STATUS, METRICS_NAMESPACE } from '../app/metrics';
import type { HealthReport } from '../db';

let shared: Metrics | undefined;

/**
 * The container's Metrics, made at first use (so the environment is settled: POWERTOOLS_METRICS_DISABLED,
 * POWERTOOLS_SERVICE_NAME set by infra per stage). Every line is built and published synchronously, so lines of
 * concurrent invocations in one process (the local server) never mix.
 */
export function metrics(): Metrics {
  return (shared ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'gaia-validator' }));
}

/**
 * Emits the report's database facts with the dimension set { service } and flushes them. Sections the check could
 * not measure (database unreachable) are not emitted at all: no data, rather than a zero that would read as "all
 * clear". The check's own session (pool wait, leaks, timeouts) is the job's invocation line, like every function's.
 */
export function publishHealthMetrics(report: HealthReport, target: Metrics = metrics()): void {
  const m = HEALTH_METRICS;
  target.addMetric(m.HealthStatus, MetricUnit.NoUnit, HEALTH_STATUS[report.status]);
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
}
