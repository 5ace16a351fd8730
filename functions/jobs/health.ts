// Scheduled health check (EventBridge, every 5 minutes): one report line, EMF metrics, and, when HEALTH_POLICY
// says so, cancel/terminate this application's own offenders (default off; dry-run only reports).
import type { Context, ScheduledEvent } from 'aws-lambda';
import { checkHealth, createDatabase, loadHealthPolicy, loadHealthThresholds, type Database, type HealthStatus, type ReasonCode } from '../../lib/db';
import { beginInvocation, dbLogger, deadlineOf, logger, marginFromEnv, publishHealthMetrics } from '../../lib/lambda';

type Env = Record<string, string | undefined>;
export type HealthJobResult = { status: HealthStatus; reasons: ReasonCode[] };

/** The job for a database; HEALTH_* settings are read once, so a bad value fails the cold start loudly. */
export function healthJob<S extends Record<string, unknown>>(db: () => Database<S>, env: Env = process.env) {
  const thresholds = loadHealthThresholds({}, env);
  const policy = loadHealthPolicy({}, env);
  const marginMs = marginFromEnv(env);
  return async (_event: ScheduledEvent, context: Context): Promise<HealthJobResult> => {
    beginInvocation(context, undefined);
    const report = await checkHealth(db(), thresholds, { policy, deadline: deadlineOf(context, marginMs), logger: dbLogger });
    // One structured line per check; anything but ok is a warning so it survives a WARN log level.
    if (report.status === 'ok') logger.info('health report', { report });
    else logger.warn('health report', { report });
    publishHealthMetrics(report);
    return { status: report.status, reasons: report.reasons.map((r) => r.code) };
  };
}

let database: Database | undefined;
export const handler = healthJob(() => (database ??= createDatabase({ logger: dbLogger })));
