// Policy in dry-run: this application's offenders are reported and logged as would-be actions, and survive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';
import { checkUntil, peer, runInBackground, type Peer } from './helpers';

describe('health policy: dry run', () => {
  let tdb: TestDatabase;
  let db: Database;
  let log: ReturnType<typeof captureLogger>;
  let runner: Peer;
  let idler: Peer;

  beforeAll(async () => {
    tdb = await createTestDatabase('mon_dry');
    log = captureLogger();
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: log });
    // Offenders under our own application name, as another container of this application would be.
    runner = await peer(tdb.url, tdb.applicationName);
    idler = await peer(tdb.url, tdb.applicationName);
  });

  afterAll(async () => {
    await Promise.all([runner, idler].map((p) => p?.end()));
    await db?.close();
    await tdb?.drop();
  });

  it('reports and logs what it would do, and does nothing', async () => {
    // Prepare
    runInBackground(runner, 'SELECT pg_sleep(60)');
    await idler.client.query('BEGIN');
    await idler.client.query('SELECT 1');
    const policy = { mode: 'dry-run' as const, cancelAfterMs: 200, terminateIdleAfterMs: 200 };
    // Act
    const report = await checkUntil(db, {}, (r) => r.policy.actions.length === 2, { policy, logger: log });
    // Assess: reported with reasons naming the limits, not executed
    const byPid = new Map(report.policy.actions.map((a) => [a.pid, a]));
    expect(byPid.get(runner.pid)).toMatchObject({ action: 'cancel', executed: false, signalled: null, limitMs: 200 });
    expect(byPid.get(runner.pid)!.reason).toMatch(/^statement active \d+ ms >= HEALTH_CANCEL_AFTER_MS 200$/);
    expect(byPid.get(idler.pid)).toMatchObject({ action: 'terminate', executed: false, signalled: null });
    expect(byPid.get(idler.pid)!.reason).toMatch(/^idle in transaction \d+ ms >= HEALTH_TERMINATE_IDLE_AFTER_MS 200$/);
    expect(log.find('health policy (dry run): would cancel statement').map((l) => l.fields.pid)).toContain(runner.pid);
    expect(log.find('health policy (dry run): would terminate session').map((l) => l.fields.pid)).toContain(idler.pid);
    // ... and both offenders survive: the statement still runs, the transaction is still open.
    const states = await adminQuery<{ pid: number; state: string }>('SELECT pid, state FROM pg_stat_activity WHERE pid = ANY($1)', [[runner.pid, idler.pid]]);
    expect(new Map(states.map((s) => [s.pid, s.state]))).toEqual(new Map([[runner.pid, 'active'], [idler.pid, 'idle in transaction']]));
    await expect(idler.client.query('SELECT 2 AS still_here')).resolves.toMatchObject({ rows: [{ still_here: 2 }] });
  });
});
