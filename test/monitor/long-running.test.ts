// A statement running past HEALTH_LONG_RUNNING_MS, started from a second connection, is reported with its
// application, duration, wait event and a fingerprint of its text, never with its literals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';
import { checkUntil, peer, runInBackground, type Peer } from './helpers';

describe('health check: long-running statements', () => {
  let tdb: TestDatabase;
  let db: Database;
  let sleeper: Peer;

  beforeAll(async () => {
    tdb = await createTestDatabase('mon_long');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: captureLogger() });
    sleeper = await peer(tdb.url, 'sleeper-app');
  });

  afterAll(async () => {
    await sleeper?.end();
    await db?.close();
    await tdb?.drop();
  });

  it('lists the statement with a fingerprint and without its literal', async () => {
    // Prepare
    runInBackground(sleeper, "SELECT pg_sleep(60), 'hunter2-literal' AS secret, 987654 AS n");
    // Act
    const report = await checkUntil(db, { longRunningMs: 200 }, (r) => r.longRunning.sessions.some((s) => s.pid === sleeper.pid));
    // Assess
    const s = report.longRunning.sessions.find((x) => x.pid === sleeper.pid)!;
    expect(s).toMatchObject({ application: 'sleeper-app', state: 'active', waitEventType: 'Timeout', waitEvent: 'PgSleep', database: tdb.name });
    expect(s.durationMs).toBeGreaterThanOrEqual(200);
    expect(s.query?.text).toBe('SELECT pg_sleep(?), ? AS secret, ? AS n');
    expect(JSON.stringify(report)).not.toMatch(/hunter2|987654/);
    expect(report.status).toBe('degraded');
    const reason = report.reasons.find((r) => r.code === 'long_running')!;
    expect(reason.threshold).toEqual({ setting: 'longRunningMs', env: 'HEALTH_LONG_RUNNING_MS', value: 200 });
    expect(reason.observed).toBe(report.longRunning.count);
    expect(reason.message).not.toContain('sleeper-app');
  });

  it('does not list it under a threshold it has not crossed', async () => {
    // Act
    const report = await checkUntil(db, { longRunningMs: 3_600_000 }, () => true);
    // Assess
    expect(report.longRunning.sessions.some((s) => s.pid === sleeper.pid)).toBe(false);
    expect(report.reasons.some((r) => r.code === 'long_running')).toBe(false);
  });
});
