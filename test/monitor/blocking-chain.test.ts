// Three sessions on one row: A holds the row lock, B waits on A, C waits on B. The report says who blocks
// whom (pg_blocking_pids), with durations, and the chain from the root blocker down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';
import { checkUntil, peer, runInBackground, type Peer } from './helpers';

describe('health check: blocking chains', () => {
  let tdb: TestDatabase;
  let db: Database;
  let a: Peer;
  let b: Peer;
  let c: Peer;

  beforeAll(async () => {
    tdb = await createTestDatabase('mon_lock');
    await adminQuery('CREATE TABLE slot (id int PRIMARY KEY, v int NOT NULL); INSERT INTO slot VALUES (1, 0)', [], tdb.name);
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: captureLogger() });
    [a, b, c] = await Promise.all([peer(tdb.url, 'holder-a'), peer(tdb.url, 'waiter-b'), peer(tdb.url, 'waiter-c')]);
  });

  afterAll(async () => {
    await Promise.all([a, b, c].map((p) => p?.end()));
    await db?.close();
    await tdb?.drop();
  });

  it('reports A <- B <- C with who blocks whom', async () => {
    // Prepare: A holds the row; B queues behind A; C queues behind B (B holds the tuple lock while it waits).
    await a.client.query('BEGIN');
    await a.client.query('SELECT * FROM slot WHERE id = 1 FOR UPDATE');
    runInBackground(b, 'UPDATE slot SET v = 1 WHERE id = 1');
    await checkUntil(db, { blockedMs: 1 }, (r) => r.blocking.sessions.some((s) => s.pid === b.pid));
    runInBackground(c, 'UPDATE slot SET v = 2 WHERE id = 1');
    // Act
    const report = await checkUntil(db, { blockedMs: 1 }, (r) => r.blocking.sessions.some((s) => s.pid === c.pid));
    // Assess
    const byPid = new Map(report.blocking.sessions.map((s) => [s.pid, s]));
    expect(byPid.get(a.pid)).toMatchObject({ application: 'holder-a', blockedBy: [], state: 'idle in transaction' });
    expect(byPid.get(b.pid)).toMatchObject({ application: 'waiter-b', blockedBy: [a.pid], waitEventType: 'Lock' });
    expect(byPid.get(c.pid)!.blockedBy).toContain(b.pid);
    expect(byPid.get(c.pid)!.query?.text).toBe('UPDATE slot SET v = ? WHERE id = ?');
    for (const s of [byPid.get(a.pid)!, byPid.get(b.pid)!, byPid.get(c.pid)!]) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.blocking.chains).toContainEqual([a.pid, b.pid, c.pid]);
    expect(report.blocking.blockedCount).toBe(2);
    const reason = report.reasons.find((r) => r.code === 'blocked_sessions')!;
    expect(reason).toMatchObject({ severity: 'degraded', observed: 2, threshold: { env: 'HEALTH_BLOCKED_MS', value: 1 } });
  });

  it('clears once the root blocker ends its transaction', async () => {
    // Prepare
    await a.client.query('ROLLBACK');
    // Act
    const report = await checkUntil(db, { blockedMs: 1 }, (r) => r.blocking.blockedCount === 0);
    // Assess
    expect(report.blocking.chains).toEqual([]);
    expect(report.reasons.some((r) => r.code === 'blocked_sessions')).toBe(false);
  });
});
