// neon-ws: after the WebSocket proxy goes away and comes back, the next session succeeds; while it is away the
// caller gets a typed connection error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeonWsProxy, type NeonWsProxy } from '../../dev/peers/neon-ws-proxy';
import { ConnectionFailedError, type Database } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { failure, neonWsDatabase } from './helpers';

let tdb: TestDatabase;
let proxy: NeonWsProxy;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('neonws_restart');
  proxy = await startNeonWsProxy();
  db = neonWsDatabase(tdb, proxy, { poolMax: 1, connectTimeoutMs: 2_000 });
});

afterAll(async () => {
  await db?.close();
  await proxy?.close();
  await tdb?.drop();
});

const one = (d: Database) => d.session(async (s) => (await s.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n);

describe('neon-ws proxy restart', () => {
  it('reconnects on the next session after the proxy restarts', async () => {
    // Prepare: a warm pooled connection through the proxy.
    expect(await one(db)).toBe(1);
    const port = proxy.port;

    // Act: the proxy goes down (dropping its WebSockets), a session fails, the proxy comes back on the same port.
    await proxy.close();
    const whileDown = await failure(one(db));
    proxy = await startNeonWsProxy({ port });
    const afterRestart = await one(db);

    // Assess
    expect(whileDown).toBeInstanceOf(ConnectionFailedError);
    expect(afterRestart).toBe(1);
    expect(db.stats().pool.created).toBe(2);
  });

  it('replaces a pooled connection the restart killed without the caller seeing an error', async () => {
    // Prepare
    expect(await one(db)).toBe(1);
    const created = db.stats().pool.created;

    // Act: restart while the connection sits idle in the pool.
    const port = proxy.port;
    await proxy.close();
    proxy = await startNeonWsProxy({ port });
    const result = await one(db);

    // Assess
    expect(result).toBe(1);
    expect(db.stats().pool.created).toBe(created + 1);
  });
});
