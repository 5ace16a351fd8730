// GET /health answers liveness from one statement (the newest applied migration), remembered per container for
// HEALTH_LIVENESS_CACHE_MS, with concurrent callers sharing one check; 503 when the database is unreachable or its
// schema is behind. The full report is GET /health/report, for the admin only.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOCATION_METRICS as M } from '../../lib/app/metrics';
import { ADMIN_TOKEN_ENV, type HttpHandler } from '../../lib/api';
import { createDatabase, migrate, type Database } from '../../lib/db';
import { createValidatorDatabase, REQUIRED_MIGRATION, type ValidatorDatabase } from '../../lib/validator';
import { livenessRoute } from '../../functions/api/health';
import { healthReportRoute } from '../../functions/api/health-report';
import { invoke } from '../support/apigw';
import { captureOutput, emfOf, enableMetricsOutput } from '../support/emf';
import { captureLogger } from '../support/logger';
import { createTestDatabase, eventually, type TestDatabase } from '../support/postgres';
import { MIGRATIONS } from '../validator/fixtures';
import { peer, runInBackground, type Peer } from './helpers';

enableMetricsOutput();
const ADMIN = 'health-route-admin-token-0123456789';

/** Calls the route; returns the response and the round trips of its session (its metrics line). */
async function call(handler: HttpHandler, key: string, token?: string) {
  const { result, lines } = await captureOutput(() => invoke(handler, key, token === undefined ? {} : { token }));
  const line = emfOf(lines).find((l) => l.function === key);
  return { ...result!, roundTrips: line?.[M.RoundTrips] as number | undefined };
}

async function unusedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('GET /health (liveness)', () => {
  let tdb: TestDatabase;
  let db: ValidatorDatabase;
  let behind: TestDatabase;
  const closeLater: Database<any>[] = [];
  let clock = 1_000_000;
  const now = () => clock;

  beforeAll(async () => {
    tdb = await createTestDatabase('live');
    db = createValidatorDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: captureLogger(), env: {} });
    await migrate(db, { migrationsFolder: MIGRATIONS });
    behind = await createTestDatabase('live_behind');
  });
  afterAll(async () => {
    await Promise.all([db?.close(), ...closeLater.map((d) => d.close())]);
    await tdb?.drop();
    await behind?.drop();
  });

  it('answers 200 from one statement: reachable, schema current', async () => {
    // Prepare
    const handler = livenessRoute(() => db, {}, now);
    // Act
    const res = await call(handler, 'GET /health');
    // Assess
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', ageMs: 0, database: { reachable: true, error: null }, schema: { required: REQUIRED_MIGRATION.tag, current: true } });
    expect(res.json.database.rttMs).toBeGreaterThan(0);
    expect(Object.keys(res.json).sort()).toEqual(['ageMs', 'checkedAt', 'database', 'schema', 'status']);
    expect(res.roundTrips).toBe(1);
  });

  it('answers from the container\'s last check while it is fresh, then checks again', async () => {
    // Prepare: the default cache time, 5 s
    const handler = livenessRoute(() => db, {}, now);
    const first = await call(handler, 'GET /health');
    // Act
    clock += 4_999;
    const cached = await call(handler, 'GET /health');
    clock += 1;
    const fresh = await call(handler, 'GET /health');
    // Assess
    expect(first.roundTrips).toBe(1);
    expect(cached).toMatchObject({ status: 200, roundTrips: 0, json: { ageMs: 4_999, checkedAt: first.json.checkedAt } });
    expect(fresh).toMatchObject({ status: 200, roundTrips: 1, json: { ageMs: 0 } });
    expect(fresh.json.checkedAt).not.toBe(first.json.checkedAt);
  });

  it('shares one check between concurrent callers', async () => {
    // Prepare
    const handler = livenessRoute(() => db, { HEALTH_LIVENESS_CACHE_MS: '5000' }, now);
    // Act
    const all = await Promise.all([call(handler, 'GET /health'), call(handler, 'GET /health'), call(handler, 'GET /health')]);
    // Assess
    expect(all.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(all.reduce((n, r) => n + (r.roundTrips ?? 0), 0)).toBe(1);
  });

  it('checks on every call with HEALTH_LIVENESS_CACHE_MS=0', async () => {
    const handler = livenessRoute(() => db, { HEALTH_LIVENESS_CACHE_MS: '0' }, now);
    expect((await call(handler, 'GET /health')).roundTrips).toBe(1);
    expect((await call(handler, 'GET /health')).roundTrips).toBe(1);
  });

  it('answers 503 with Retry-After when the database is unreachable, naming only the error code', async () => {
    // Prepare
    const down = createDatabase({ url: `postgres://postgres@127.0.0.1:${await unusedPort()}/gone`, logger: captureLogger() });
    closeLater.push(down);
    const handler = livenessRoute(() => down, {}, now);
    // Act
    const res = await call(handler, 'GET /health');
    // Assess
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json).toMatchObject({ status: 'failing', database: { reachable: false, rttMs: null, error: 'CONNECTION_FAILED' }, schema: { current: null } });
    expect(JSON.stringify(res.json)).not.toMatch(/127\.0\.0\.1|gone|ECONNREFUSED/);
  });

  it('answers 503 (with its own body, not the schema gate\'s) when the schema is behind the code', async () => {
    // Prepare: a database never migrated
    const stale = createValidatorDatabase({ url: behind.url, logger: captureLogger(), env: {} });
    closeLater.push(stale);
    const handler = livenessRoute(() => stale, {}, now);
    // Act
    const res = await call(handler, 'GET /health');
    // Assess
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ status: 'failing', database: { reachable: true }, schema: { required: REQUIRED_MIGRATION.tag, current: false } });
  });

  it('refuses a bad HEALTH_LIVENESS_CACHE_MS at cold start, naming it', () => {
    expect(() => livenessRoute(() => db, { HEALTH_LIVENESS_CACHE_MS: 'soon' })).toThrow(/HEALTH_LIVENESS_CACHE_MS/);
  });
});

describe('GET /health/report (admin)', () => {
  let tdb: TestDatabase;
  let db: Database;
  let down: Database;
  let sleeper: Peer;
  const savedToken = process.env[ADMIN_TOKEN_ENV];

  beforeAll(async () => {
    process.env[ADMIN_TOKEN_ENV] = ADMIN;
    tdb = await createTestDatabase('mon_route');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: captureLogger() });
    down = createDatabase({ url: `postgres://postgres@127.0.0.1:${await unusedPort()}/gone`, logger: captureLogger() });
    sleeper = await peer(tdb.url, 'other-app');
  });
  afterAll(async () => {
    if (savedToken === undefined) delete process.env[ADMIN_TOKEN_ENV];
    else process.env[ADMIN_TOKEN_ENV] = savedToken;
    await sleeper?.end();
    await Promise.all([db?.close(), down?.close()]);
    await tdb?.drop();
  });

  it('refuses a caller without the admin token', async () => {
    const res = await call(healthReportRoute(() => db, {}), 'GET /health/report');
    expect(res.status).toBe(401);
  });

  it('returns 200 and the full report while degraded', async () => {
    // Prepare: another application's long statement
    runInBackground(sleeper, 'SELECT pg_sleep(60)');
    const handler = healthReportRoute(() => db, { HEALTH_LONG_RUNNING_MS: '200' });
    // Act
    const res = await eventually(() => call(handler, 'GET /health/report', ADMIN), (r) => r.json?.longRunning?.count >= 1);
    // Assess
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'degraded', database: { reachable: true }, longRunning: { count: 1 }, thresholds: { longRunningMs: 200 } });
    expect(res.json.longRunning.sessions[0]).toMatchObject({ application: 'other-app', pid: sleeper.pid, query: { text: 'SELECT pg_sleep(?)' } });
  });

  it('returns 503 with the report when failing', async () => {
    const res = await call(healthReportRoute(() => down, {}), 'GET /health/report', ADMIN);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json).toMatchObject({ status: 'failing', reasons: [{ code: 'database_unreachable' }] });
  });
});
