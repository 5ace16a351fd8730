// neon-ws: a statement stopped by the client guard is cancelled on the server through the WebSocket proxy
// (a CancelRequest on a fresh WebSocket), not merely abandoned with its socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeonWsProxy, type NeonWsProxy } from '../../dev/peers/neon-ws-proxy';
import { StatementTimeoutError, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, eventually, type TestDatabase } from '../support/postgres';
import { failure, neonWsDatabase } from './helpers';

let tdb: TestDatabase;
let proxy: NeonWsProxy;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('neonws_cancel');
  proxy = await startNeonWsProxy();
  // Behind a pooler profile no statement_timeout is sent at startup: only the client guard can stop a read.
  db = neonWsDatabase(tdb, proxy, { proxyProfile: 'pgbouncer', statementTimeoutMs: 400, lockTimeoutMs: 400 });
});

afterAll(async () => {
  await db?.close();
  await proxy?.close();
  await tdb?.drop();
});

describe('neon-ws cancel', () => {
  it('cancels the running statement on the server when the client guard fires', async () => {
    // Act
    const error = await failure(db.session((s) => s.query('SELECT pg_sleep(30)')));
    const sleeping = await eventually(
      () =>
        adminQuery<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND state = 'active' AND query LIKE '%pg_sleep%'",
          [tdb.name, tdb.applicationName],
        ),
      (rows) => rows[0]!.n === 0,
      5_000,
    );

    // Assess: a closed socket alone would leave the backend sleeping for 30 s.
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect((error as StatementTimeoutError).sqlstate).toBeUndefined();
    expect(sleeping[0]!.n).toBe(0);
  });
});
