// Checks never pile up: calls that arrive while a check with the same settings runs join it (one session,
// one snapshot); a later call runs its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth, createDatabase, type Database } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';

describe('health check: concurrent calls', () => {
  let tdb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    tdb = await createTestDatabase('mon_join');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: captureLogger() });
  });

  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('joins a running check instead of starting another', async () => {
    // Prepare
    const sessionsBefore = db.stats().layer.sessions;
    // Act
    const reports = await Promise.all(Array.from({ length: 5 }, () => checkHealth(db)));
    // Assess
    expect(db.stats().layer.sessions - sessionsBefore).toBe(1);
    expect(new Set(reports).size).toBe(1);
  });

  it('runs a new check once the previous one has finished', async () => {
    // Prepare
    const first = await checkHealth(db);
    // Act
    const second = await checkHealth(db);
    // Assess
    expect(second).not.toBe(first);
  });

  it('does not join a running check with other settings', async () => {
    // Prepare
    const sessionsBefore = db.stats().layer.sessions;
    // Act
    const [a, b] = await Promise.all([checkHealth(db), checkHealth(db, { longRunningMs: 1234 })]);
    // Assess
    expect(db.stats().layer.sessions - sessionsBefore).toBe(2);
    expect(a.thresholds.longRunningMs).not.toBe(b.thresholds.longRunningMs);
  });
});
