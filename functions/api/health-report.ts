// GET /health/report (admin): the full health check on demand, as the scheduled job logs it (connections by
// application, long-running statements as fingerprints, lock chains, pool and layer counters). 200 when ok or
// degraded, 503 when failing. Never acts on sessions (the policy belongs to the scheduled job).
import { RETRY_AFTER_SECONDS, httpRoute, type HttpHandler } from '../../lib/api';
import { checkHealth, createDatabase, loadHealthThresholds, type Database } from '../../lib/db';
import { dbLogger, deadlineOf, lambdaDatabaseOptions, marginFromEnv } from '../../lib/lambda';

type Env = Record<string, string | undefined>;

export function healthReportRoute<S extends Record<string, unknown>>(db: () => Database<S>, env: Env = process.env): HttpHandler {
  const thresholds = loadHealthThresholds({}, env);
  const marginMs = marginFromEnv(env);
  return httpRoute({ route: 'GET /health/report', db, schemaGate: false }, async ({ context }) => {
    const report = await checkHealth(db(), thresholds, { deadline: deadlineOf(context, marginMs), logger: dbLogger });
    const failing = report.status === 'failing';
    return {
      status: failing ? 503 : 200,
      body: report,
      headers: failing ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : undefined,
    };
  });
}

let database: Database | undefined;
export const handler = healthReportRoute(() => (database ??= createDatabase(lambdaDatabaseOptions())));
