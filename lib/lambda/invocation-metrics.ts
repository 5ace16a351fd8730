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
 * Publishes the invocation's line: database time, round trips and pool wait always; leaks, retries, connection
 * losses, timeouts (in all and by kind) and session errors when non-zero; the heartbeat of a successful job. `summary` is its session's (undefined when the invocation opened none, e.g. a
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
  // Counters of what went wrong, only when something did: each metric costs about a microsecond per line, and their
  // alarms read a missing point as none.
  if (summary) {
    count(target, m.Leaks, summary.leaks);
    count(target, m.Retries, summary.retries);
    count(target, m.ConnectionLosses, summary.connectionLosses);
    count(target, m.SessionErrors, summary.outcome === 'error' ? 1 : 0);
    let timeouts = 0;
    const byKind = new Map<MetricTimeoutKind, number>();
    for (const kind in summary.timeouts) {
      const n = summary.timeouts[kind as TimeoutKind] ?? 0;
      byKind.set(METRIC_KIND[kind as TimeoutKind], (byKind.get(METRIC_KIND[kind as TimeoutKind]) ?? 0) + n);
      timeouts += n;
    }
    count(target, m.Timeouts, timeouts);
    for (const [kind, n] of byKind) count(target, TIMEOUT_METRICS[kind], n);
    // The outcome and error code are in the session summary log line (Logs Insights), not here: no high-cardinality
    // dimension, and nothing this line need not carry.
  }
  if (outcome.heartbeat) target.addMetric(m.JobSucceeded, MetricUnit.Count, 1);
  target.publishStoredMetrics();
}

function count(target: Metrics, name: string, n: number): void {
  if (n > 0) target.addMetric(name, MetricUnit.Count, n);
}
