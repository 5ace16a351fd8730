// GET /health answers with a redacted summary: status, reasons and counts, never query texts, pids or other
// applications' names; 200 when ok or degraded, 503 when failing.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../lib/db';
import { healthRoute } from '../../functions/api/health';
import { invoke } from '../support/apigw';
import { createTestDatabase, eventually, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';
import { peer, runInBackground, type Peer } from './helpers';

describe('GET /health', () => {
  let tdb: TestDatabase;
  let db: Database;
  let down: Database;
  let sleeper: Peer;

  beforeAll(async () => {
    tdb = await createTestDatabase('mon_route');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: captureLogger() });
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    down = createDatabase({ url: `postgres://postgres@127.0.0.1:${port}/gone`, logger: captureLogger() });
    sleeper = await peer(tdb.url, 'secret-app-name');
  });

  afterAll(async () => {
    await sleeper?.end();
    await Promise.all([db?.close(), down?.close()]);
    await tdb?.drop();
  });

  it('returns 200 and the redacted summary while degraded', async () => {
    // Prepare: another application's long statement carrying a literal
    runInBackground(sleeper, "SELECT pg_sleep(60), 'literal-xyzzy' AS v");
    const handler = healthRoute(() => db, { HEALTH_LONG_RUNNING_MS: '200' });
    // Act
    const res = await eventually(() => invoke(handler, 'GET /health'), (r) => r.json?.counts?.longRunning >= 1);
    // Assess
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe(res.requestId);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toMatchObject({
      status: 'degraded',
      database: { reachable: true },
      counts: { longRunning: 1, idleInTransaction: 0, blockedSessions: 0, policyActions: 0 },
    });
    expect(res.json.reasons).toEqual([{ code: 'long_running', severity: 'degraded', message: '1 statement running longer than HEALTH_LONG_RUNNING_MS 200 ms' }]);
    expect(Object.keys(res.json).sort()).toEqual(['checkedAt', 'counts', 'database', 'reasons', 'status']);
    const text = JSON.stringify(res.json);
    for (const secret of ['secret-app-name', tdb.applicationName, 'literal-xyzzy', 'pg_sleep', String(sleeper.pid), tdb.name, 'PostgreSQL']) {
      expect(text).not.toContain(secret);
    }
  });

  it('returns 503 with the summary when failing', async () => {
    // Prepare
    const handler = healthRoute(() => down, {});
    // Act
    const res = await invoke(handler, 'GET /health');
    // Assess
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json).toMatchObject({ status: 'failing', database: { reachable: false, rttMs: null }, counts: { connectionsUsed: null } });
    expect(res.json.reasons).toEqual([{ code: 'database_unreachable', severity: 'failing', message: 'database unreachable (CONNECTION_FAILED)' }]);
    expect(JSON.stringify(res.json)).not.toMatch(/127\.0\.0\.1|gone|ECONNREFUSED/);
  });
});
