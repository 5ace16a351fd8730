// One EMF line per invocation with its database session's figures (lib/app/metrics.ts INVOCATION_METRICS), under
// two dimension sets: { service } for the fleet (the alarms) and { service, function } for one function (the
// dashboard). Built and published synchronously: nothing of another invocation can slip into the line.
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { INVOCATION_METRICS, METRIC_DIMENSIONS, TIMEOUT_METRICS, type TimeoutKind as MetricTimeoutKind } from '../app/metrics';
import type { SessionSummary, TimeoutKind } from '../db';
import { metrics } from './metrics';

export type InvocationOutcome = {
  /** A scheduled job that succeeded: the line carries its heartbeat (JobSucceeded = 1). */
  heartbeat?: boolean;
};

/** The layer's timeout kinds as the metric kinds (one per deadline of the hierarchy). */
const METRIC_KIND: Record<TimeoutKind, MetricTimeoutKind> = {
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
 * Publishes the invocation's line. `summary` is its session's (undefined when the invocation opened none, e.g. a
 * request refused before it: the figures are zeros). `fn` is the function's name in the tables (route key, or
 * `job <name>`): a low-cardinality dimension.
 */
export function publishInvocationMetrics(fn: string, summary: SessionSummary | undefined, outcome: InvocationOutcome = {}, target: Metrics = metrics()): void {
  const m = INVOCATION_METRICS;
  target.addDimension(METRIC_DIMENSIONS.function, fn);
  // A second dimension set of the default dimensions alone ({ service }): the same values, aggregated fleet-wide.
  target.addDimensions({});
  target.addMetric(m.DbTimeMs, MetricUnit.Milliseconds, summary?.dbTimeMs ?? 0);
  target.addMetric(m.RoundTrips, MetricUnit.Count, summary?.queries ?? 0);
  target.addMetric(m.PoolAcquireWaitMs, MetricUnit.Milliseconds, summary?.acquireWaitMs ?? 0);
  target.addMetric(m.Leaks, MetricUnit.Count, summary?.leaks ?? 0);
  target.addMetric(m.Retries, MetricUnit.Count, summary?.retries ?? 0);
  target.addMetric(m.ConnectionLosses, MetricUnit.Count, summary?.connectionLosses ?? 0);
  target.addMetric(m.SessionErrors, MetricUnit.Count, summary?.outcome === 'error' ? 1 : 0);
  let timeouts = 0;
  if (summary) {
    const byKind = new Map<MetricTimeoutKind, number>();
    for (const [kind, n] of Object.entries(summary.timeouts) as [TimeoutKind, number][]) {
      byKind.set(METRIC_KIND[kind], (byKind.get(METRIC_KIND[kind]) ?? 0) + n);
      timeouts += n;
    }
    for (const [kind, n] of byKind) target.addMetric(TIMEOUT_METRICS[kind], MetricUnit.Count, n);
    // Searchable in Logs Insights, not metrics (an error code would be a high-cardinality dimension).
    target.addMetadata('outcome', summary.outcome);
    if (summary.errorCode !== undefined) target.addMetadata('errorCode', summary.errorCode);
  }
  target.addMetric(m.Timeouts, MetricUnit.Count, timeouts);
  if (outcome.heartbeat) target.addMetric(m.JobSucceeded, MetricUnit.Count, 1);
  target.publishStoredMetrics();
}
