// GET /health (public): liveness. The database answered one statement (the newest applied migration) and its
// schema is the one the code needs: 200; otherwise 503 with Retry-After. Remembered per container for
// HEALTH_LIVENESS_CACHE_MS (default 5 s), so polling does not load the database. The full report: GET /health/report.
import { RETRY_AFTER_SECONDS, httpRoute, sharedDatabase, type HttpHandler } from '../../lib/api';
import { livenessProbe, loadLivenessSettings, type Database } from '../../lib/db';

type Env = Record<string, string | undefined>;

export function livenessRoute<S extends Record<string, unknown>>(db: () => Database<S>, env: Env = process.env, now?: () => number): HttpHandler {
  // One probe per container; the setting is read at cold start, so a bad value fails loudly.
  const probe = livenessProbe(loadLivenessSettings({}, env), now);
  // The probe reads the schema itself: the route answers 503 with its own body rather than the gate's.
  return httpRoute({ route: 'GET /health', db, schemaGate: false }, async ({ session }) => {
    const liveness = await probe.check(session, db().requiredMigration);
    const failing = liveness.status === 'failing';
    return {
      status: failing ? 503 : 200,
      body: liveness,
      headers: failing ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : undefined,
    };
  });
}

export const handler = livenessRoute(sharedDatabase);
