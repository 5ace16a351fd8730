// Scheduled health check (EventBridge, every 5 minutes): one report line, EMF metrics (the database's facts, and the
// invocation's own session figures with its heartbeat), and, when HEALTH_POLICY says so, cancel/terminate this
// application's own offenders (default off; dry-run only reports).
import type { Context, ScheduledEvent } from 'aws-lambda';
import { jobFunctionName, scheduleOf } from '../../lib/app/functions';
import { checkHealth, createDatabase, loadHealthPolicy, loadHealthThresholds, type Database, type HealthStatus, type ReasonCode, type SessionSummary } from '../../lib/db';
import { beginInvocation, dbLogger, deadlineOf, lambdaDatabaseOptions, logger, marginFromEnv, publishHealthMetrics, publishInvocationMetrics } from '../../lib/lambda';

type Env = Record<string, string | undefined>;
export type HealthJobResult = { status: HealthStatus; reasons: ReasonCode[] };

const NAME = jobFunctionName(scheduleOf('health'));

/** The job for a database; HEALTH_* settings are read once, so a bad value fails the cold start loudly. */
export function healthJob<S extends Record<string, unknown>>(db: () => Database<S>, env: Env = process.env) {
  const thresholds = loadHealthThresholds({}, env);
  const policy = loadHealthPolicy({}, env);
  const marginMs = marginFromEnv(env);
  return async (_event: ScheduledEvent, context: Context): Promise<HealthJobResult> => {
    beginInvocation(context, undefined);
    let summary: SessionSummary | undefined;
    let reported = false;
    try {
      const report = await checkHealth(db(), thresholds, { policy, deadline: deadlineOf(context, marginMs), logger: dbLogger, onSummary: (s) => (summary = s) });
      // One structured line per check; anything but ok is a warning so it survives a WARN log level.
      if (report.status === 'ok') logger.info('health report', { report });
      else logger.warn('health report', { report });
      publishHealthMetrics(report);
      reported = true;
      return { status: report.status, reasons: report.reasons.map((r) => r.code) };
    } finally {
      // The job succeeded when it reported, whatever the database's status: HealthStatus carries that.
      publishInvocationMetrics(NAME, summary, { heartbeat: reported });
    }
  };
}

let database: Database | undefined;
export const handler = healthJob(() => (database ??= createDatabase(lambdaDatabaseOptions())));
