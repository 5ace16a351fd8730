// Policy enforced: only this application's offenders, under our own role, end. Another application's identical
// offenders, and offenders under our application name but another role, survive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, eventually, randomName, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';
import { checkUntil, peer, runInBackground, type Peer } from './helpers';

describe('health policy: enforce', () => {
  let tdb: TestDatabase;
  let db: Database;
  let log: ReturnType<typeof captureLogger>;
  const role = randomName('other_role');
  const peers: Record<'ourRunner' | 'ourIdler' | 'otherAppRunner' | 'otherAppIdler' | 'otherRoleRunner' | 'otherRoleIdler', Peer> = {} as never;

  beforeAll(async () => {
    tdb = await createTestDatabase('mon_enf');
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    log = captureLogger();
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: log });
    peers.ourRunner = await peer(tdb.url, tdb.applicationName);
    peers.ourIdler = await peer(tdb.url, tdb.applicationName);
    peers.otherAppRunner = await peer(tdb.url, 'other-app');
    peers.otherAppIdler = await peer(tdb.url, 'other-app');
    peers.otherRoleRunner = await peer(tdb.url, tdb.applicationName, role);
    peers.otherRoleIdler = await peer(tdb.url, tdb.applicationName, role);
  });

  afterAll(async () => {
    await Promise.all(Object.values(peers).map((p) => p.end()));
    await db?.close();
    await tdb?.drop();
    await adminQuery(`DROP ROLE IF EXISTS ${role}`);
  });

  it('cancels and terminates our offenders only', async () => {
    // Prepare: the same two offences under three identities
    const running = {
      ours: runInBackground(peers.ourRunner, 'SELECT pg_sleep(60)'),
      otherApp: runInBackground(peers.otherAppRunner, 'SELECT pg_sleep(60)'),
      otherRole: runInBackground(peers.otherRoleRunner, 'SELECT pg_sleep(60)'),
    };
    for (const p of [peers.ourIdler, peers.otherAppIdler, peers.otherRoleIdler]) {
      await p.client.query('BEGIN');
      await p.client.query('SELECT 1');
    }
    const policy = { mode: 'enforce' as const, cancelAfterMs: 200, terminateIdleAfterMs: 200 };
    // Act
    const report = await checkUntil(db, { longRunningMs: 200, idleInTransactionMs: 200 }, (r) => r.policy.actions.length > 0 && r.longRunning.count >= 3 && r.idleInTransaction.count >= 3, { policy, logger: log });
    // Assess: exactly our two, executed
    expect(report.policy.actions.map((a) => [a.action, a.pid, a.executed, a.signalled]).sort()).toEqual(
      [['cancel', peers.ourRunner.pid, true, true], ['terminate', peers.ourIdler.pid, true, true]].sort(),
    );
    expect(log.find('health policy: cancel statement').map((l) => l.fields.pid)).toEqual([peers.ourRunner.pid]);
    expect(log.find('health policy: terminate session').map((l) => l.fields.pid)).toEqual([peers.ourIdler.pid]);
    // ... our statement was cancelled (57014) and our idle session is gone
    await expect(running.ours).rejects.toMatchObject({ code: '57014' });
    const gone = await eventually(() => adminQuery('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [peers.ourIdler.pid]), (rows) => rows.length === 0);
    expect(gone).toEqual([]);
    // ... the others are untouched
    const states = await adminQuery<{ pid: number; state: string }>('SELECT pid, state FROM pg_stat_activity WHERE pid = ANY($1)', [
      [peers.otherAppRunner.pid, peers.otherAppIdler.pid, peers.otherRoleRunner.pid, peers.otherRoleIdler.pid],
    ]);
    expect(new Map(states.map((s) => [s.pid, s.state]))).toEqual(
      new Map([
        [peers.otherAppRunner.pid, 'active'],
        [peers.otherAppIdler.pid, 'idle in transaction'],
        [peers.otherRoleRunner.pid, 'active'],
        [peers.otherRoleIdler.pid, 'idle in transaction'],
      ]),
    );
    await expect(peers.otherAppIdler.client.query('SELECT 2 AS alive')).resolves.toMatchObject({ rows: [{ alive: 2 }] });
    await expect(peers.otherRoleIdler.client.query('SELECT 2 AS alive')).resolves.toMatchObject({ rows: [{ alive: 2 }] });
  });
});
