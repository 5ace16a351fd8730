// A session left idle inside an open transaction (from a second connection) is reported with how long it has
// been idle, and it is the oldest open transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';
import { checkUntil, peer, type Peer } from './helpers';

describe('health check: idle in transaction', () => {
  let tdb: TestDatabase;
  let db: Database;
  let idler: Peer;

  beforeAll(async () => {
    tdb = await createTestDatabase('mon_idle');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: captureLogger() });
    idler = await peer(tdb.url, 'idler-app');
  });

  afterAll(async () => {
    await idler?.end();
    await db?.close();
    await tdb?.drop();
  });

  it('reports the session, its idle time and the oldest transaction age', async () => {
    // Prepare
    await idler.client.query('BEGIN');
    await idler.client.query("SELECT 'pin-4711' AS secret");
    // Act
    const report = await checkUntil(db, { idleInTransactionMs: 200, oldestTransactionMs: 200 }, (r) =>
      r.idleInTransaction.sessions.some((s) => s.pid === idler.pid),
    );
    // Assess
    const s = report.idleInTransaction.sessions.find((x) => x.pid === idler.pid)!;
    expect(s).toMatchObject({ application: 'idler-app', state: 'idle in transaction' });
    expect(s.durationMs).toBeGreaterThanOrEqual(200);
    expect(s.transactionAgeMs).toBeGreaterThanOrEqual(s.durationMs!);
    expect(s.query?.text).toBe('SELECT ? AS secret');
    expect(report.oldestTransaction).toMatchObject({ pid: idler.pid, application: 'idler-app' });
    expect(report.oldestTransaction!.ageMs).toBeGreaterThanOrEqual(200);
    expect(report.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['idle_in_transaction', 'old_transaction']));
    expect(report.reasons.find((r) => r.code === 'idle_in_transaction')!.threshold).toMatchObject({ env: 'HEALTH_IDLE_IN_TRANSACTION_MS', value: 200 });
    expect(report.status).toBe('degraded');
    expect(JSON.stringify(report)).not.toContain('pin-4711');
  });

  it('no longer reports it once the transaction ends', async () => {
    // Prepare
    await idler.client.query('COMMIT');
    // Act
    const report = await checkUntil(db, { idleInTransactionMs: 200, oldestTransactionMs: 200 }, () => true);
    // Assess
    expect(report.idleInTransaction.sessions.some((s) => s.pid === idler.pid)).toBe(false);
    expect(report.oldestTransaction).toBeNull();
  });
});
