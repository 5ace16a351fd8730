// The check on embedded PGlite: the same statement works (pg_stat_activity exists), but there is one backend
// (a 'standalone backend', no role name), so the only session is the check's own and nothing else can be
// long-running, idle, blocked or acted upon. max_connections is a setting with no real slots behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth, createDatabase, type Database } from '../../lib/db';
import { captureLogger } from '../support/logger';

describe('health check: PGlite', () => {
  let db: Database;

  beforeAll(async () => {
    db = createDatabase({ applicationName: 'mon-pglite', logger: captureLogger() });
    // The embedded instance loads its WASM on first use (the local server does it by migrating on start);
    // the check's short limits are for the check, not for that one-off load.
    await db.session((s) => s.query('SELECT 1'));
  });

  afterAll(async () => {
    await db?.close();
  });

  it('reports ok in three round trips with the single backend', async () => {
    // Act
    const report = await checkHealth(db, {}, { policy: { mode: 'enforce', cancelAfterMs: 100, terminateIdleAfterMs: 100 } });
    // Assess
    expect(report).toMatchObject({ status: 'ok', reasons: [], driver: 'pglite', roundTrips: 3 });
    expect(report.database.serverVersion).toContain('PGlite');
    expect(report.connections).toMatchObject({ used: 1, ours: 0 });
    expect(report.connections!.byApplication).toEqual([{ application: '(none)', state: 'active', count: 1 }]);
    expect(report.longRunning.count + report.idleInTransaction.count + report.blocking.blockedCount).toBe(0);
    expect(report.oldestTransaction).toBeNull();
    expect(report.policy.actions).toEqual([]);
  });

  it('applies its thresholds the same way (a connection ratio crossed by the one backend)', async () => {
    // Act
    const report = await checkHealth(db, { connectionsDegradedRatio: 0.001, connectionsFailingRatio: 1 });
    // Assess
    expect(report.status).toBe('degraded');
    expect(report.reasons.map((r) => r.code)).toEqual(['connections_high']);
  });
});
