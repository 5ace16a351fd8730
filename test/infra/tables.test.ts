// The deployment tables (lib/app/functions.ts) are coherent: unique handlers and names, limits
// AWS accepts, and database deadlines that fit inside every function's timeout.
import { describe, expect, it } from 'vitest';
import {
  API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
  DATABASE_DEADLINE_ENV,
  MAX_LAMBDA_TIMEOUT_SECONDS,
  MIN_DATABASE_TIMEOUT_SECONDS,
  allFunctions,
  databaseDeadlinesFor,
  databaseEnvFor,
  databaseTargetFor,
  lambdaHandlerOf,
  logicalNameOf,
  neonDriverFor,
  neonProxyProfileFor,
  pascalCase,
  routeEnvFor,
  routeKeyOf,
  routes,
  schedules,
  type DatabaseDeadlines,
} from '../../lib/app/functions';
import { HEALTH_METRICS, INVOCATION_METRICS, TIMEOUT_KINDS, TIMEOUT_METRICS, cronPeriodSeconds } from '../../lib/app/metrics';
import { DEFAULT_DEV_DATABASE_URL, devDatabaseFor } from '../../lib/app/dev-database';
import { loadConfig } from '../../lib/db/config';

const MB = 1024 * 1024;

function duplicates(values: readonly string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

/** Every invariant of the deadline hierarchy; returns the broken ones (empty = coherent). */
function brokenInvariants(timeoutSeconds: number, d: DatabaseDeadlines): string[] {
  const broken: string[] = [];
  const check = (ok: boolean, what: string) => ok || broken.push(`${timeoutSeconds}s: ${what}`);
  for (const [k, v] of Object.entries(d)) check(Number.isInteger(v) && v > 0, `${k} = ${v} is not a positive integer`);
  check(d.connectMs <= d.acquireMs, 'connect <= acquire');
  check(d.acquireMs <= d.sessionMs, 'acquire <= session');
  check(d.lockMs <= d.statementMs, 'lock <= statement');
  check(d.statementMs <= d.transactionMs, 'statement <= transaction');
  check(d.transactionMs <= d.sessionMs, 'transaction <= session');
  check(d.idleInTransactionMs <= d.transactionMs, 'idle-in-transaction <= transaction');
  check(d.marginMs >= 1_000, 'margin >= 1 s');
  check(d.sessionMs + d.marginMs <= timeoutSeconds * 1000, 'session + margin <= function timeout');
  return broken;
}

describe('tables', () => {
  it('gives every function a unique handler file under functions/', () => {
    // Prepare
    const handlers = allFunctions.map((f) => f.handler);
    // Act
    const dup = duplicates(handlers);
    // Assess
    expect(dup).toEqual([]);
    for (const h of handlers) expect(h).toMatch(/^functions\/(api|jobs|deploy)\/[a-z0-9-]+\.ts$/);
  });

  it('gives every route a unique route key and logical name, and every job a unique name', () => {
    expect(duplicates(routes.map(routeKeyOf))).toEqual([]);
    expect(duplicates(routes.map(logicalNameOf))).toEqual([]);
    expect(duplicates(schedules.map((s) => s.name))).toEqual([]);
    expect(duplicates(schedules.map((s) => pascalCase(s.name)))).toEqual([]);
  });

  it('derives the Lambda handler string and names from the file', () => {
    expect(lambdaHandlerOf({ handler: 'functions/api/miners-sync.ts' })).toBe('functions/api/miners-sync.handler');
    expect(logicalNameOf({ handler: 'functions/api/ground-truth-geo.ts' })).toBe('GroundTruthGeo');
    expect(routeKeyOf({ method: 'GET', path: '/weights/latest' })).toBe('GET /weights/latest');
  });

  it('keeps memory and timeout within what Lambda accepts', () => {
    for (const f of allFunctions) {
      expect(f.memoryMb, f.handler).toBeGreaterThanOrEqual(128);
      expect(f.memoryMb, f.handler).toBeLessThanOrEqual(10_240);
      expect(Number.isInteger(f.timeoutSeconds), f.handler).toBe(true);
      expect(f.timeoutSeconds, f.handler).toBeLessThanOrEqual(MAX_LAMBDA_TIMEOUT_SECONDS);
    }
  });

  it('keeps every route inside API Gateway limits (30 s integration, 10 MB body, 6 MB Lambda payload)', () => {
    for (const r of routes) {
      expect(r.timeoutSeconds, r.path).toBeLessThanOrEqual(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS);
      expect(r.path, r.path).toMatch(/^\/[a-z0-9/-]*$/);
      // A binary body reaches Lambda base64-encoded (4/3 larger) inside a 6 MB event.
      expect(Math.ceil((r.maxBodyBytes * 4) / 3), r.path).toBeLessThan(6 * MB);
      if (r.method === 'GET' || r.method === 'DELETE') expect(r.maxBodyBytes, r.path).toBe(0);
      expect(routeEnvFor(r)).toEqual({ MAX_BODY_BYTES: String(r.maxBodyBytes) });
    }
  });

  it('writes every schedule as a 6-field EventBridge cron expression', () => {
    for (const s of schedules) {
      const fields = /^cron\((.*)\)$/.exec(s.cron)?.[1]?.split(' ') ?? [];
      expect(fields, s.name).toHaveLength(6);
      // Day-of-month and day-of-week: exactly one of them is '?'.
      expect([fields[2], fields[4]].filter((f) => f === '?'), s.name).toHaveLength(1);
      expect(s.localEveryMs, s.name).toBeGreaterThan(0);
    }
  });
});

describe('databaseEnvFor', () => {
  it('holds the deadline invariants for every function of the tables', () => {
    // Act
    const broken = allFunctions.flatMap((f) => brokenInvariants(f.timeoutSeconds, databaseDeadlinesFor(f)));
    // Assess
    expect(broken).toEqual([]);
  });

  it('holds them for every timeout Lambda allows', () => {
    const broken: string[] = [];
    for (let t = MIN_DATABASE_TIMEOUT_SECONDS; t <= MAX_LAMBDA_TIMEOUT_SECONDS; t++) {
      broken.push(...brokenInvariants(t, databaseDeadlinesFor({ timeoutSeconds: t })));
    }
    expect(broken).toEqual([]);
  });

  it('refuses a timeout no database deadline can fit in', () => {
    expect(() => databaseDeadlinesFor({ timeoutSeconds: 1 })).toThrow(RangeError);
    expect(() => databaseDeadlinesFor({ timeoutSeconds: 2.5 })).toThrow(RangeError);
    expect(() => databaseDeadlinesFor({ timeoutSeconds: 901 })).toThrow(RangeError);
  });

  it('emits exactly the seven DB_*_TIMEOUT_MS variables, as integers', () => {
    // Prepare
    const api = routes[0]!;
    // Act
    const env = databaseEnvFor(api);
    // Assess
    expect(Object.keys(env).sort()).toEqual(Object.values(DATABASE_DEADLINE_ENV).sort());
    for (const v of Object.values(env)) expect(v).toMatch(/^\d+$/);
    expect(Number(env.DB_SESSION_TIMEOUT_MS)).toBe(api.timeoutSeconds * 1000 - databaseDeadlinesFor(api).marginMs);
  });

  it('is accepted by the database layer config loader for every function', () => {
    for (const f of allFunctions) {
      // Act: the same variables the Lambda gets, on the embedded driver (needs no URL).
      const config = loadConfig({}, { ...databaseEnvFor(f), DB_DRIVER: 'pglite' });
      // Assess
      const d = databaseDeadlinesFor(f);
      expect(config.sessionTimeoutMs, f.handler).toBe(d.sessionMs);
      expect(config.statementTimeoutMs, f.handler).toBe(d.statementMs);
      expect(config.connectTimeoutMs, f.handler).toBe(d.connectMs);
    }
  });
});

describe('database target', () => {
  it('resolves DB_TARGET > stage map > default', () => {
    expect(databaseTargetFor('production')).toBe('aurora-proxy');
    expect(databaseTargetFor('ci')).toBe('neon');
    expect(databaseTargetFor('production', 'aurora-data-api')).toBe('aurora-data-api');
    expect(databaseTargetFor('ci', ' ')).toBe('neon');
    expect(() => databaseTargetFor('ci', 'mysql')).toThrow(/DB_TARGET/);
  });

  it('picks the Neon driver and proxy profile', () => {
    expect(neonDriverFor(undefined)).toBe('pg');
    expect(neonDriverFor('neon-ws')).toBe('neon-ws');
    expect(() => neonDriverFor('neon-http')).toThrow(/DB_NEON_DRIVER/);
    expect(neonProxyProfileFor('postgresql://u:p@ep-cool-1-pooler.us-east-2.aws.neon.tech/db?sslmode=require')).toBe('pgbouncer');
    expect(neonProxyProfileFor('postgresql://u:p@ep-cool-1.us-east-2.aws.neon.tech/db')).toBe('direct');
    expect(neonProxyProfileFor('not a url')).toBe('direct');
  });
});

describe('metric names', () => {
  it('names each metric by its key, one timeout metric per kind of the deadline hierarchy', () => {
    for (const [key, name] of Object.entries({ ...HEALTH_METRICS, ...INVOCATION_METRICS })) expect(name).toBe(key);
    expect(TIMEOUT_KINDS).toHaveLength(Object.keys(DATABASE_DEADLINE_ENV).length);
    expect(Object.keys(TIMEOUT_METRICS).sort()).toEqual([...TIMEOUT_KINDS].sort());
    expect(duplicates([...Object.values(HEALTH_METRICS), ...Object.values(INVOCATION_METRICS), ...Object.values(TIMEOUT_METRICS)])).toEqual([]);
  });
});

describe('cron periods (heartbeat alarms)', () => {
  it('derives every schedule\'s period', () => {
    expect(Object.fromEntries(schedules.map((s) => [s.name, cronPeriodSeconds(s.cron)]))).toEqual({ soil: 3600, geo: 3600, weights: 3600, cleanup: 86_400, health: 300 });
  });

  it('refuses what it cannot derive', () => {
    expect(() => cronPeriodSeconds('rate(5 minutes)')).toThrow(/not an EventBridge cron/);
    expect(() => cronPeriodSeconds('cron(0 12 ? * MON *)')).toThrow(/not derivable/);
  });
});

describe('dev database', () => {
  it('defaults to the local PostgreSQL and parses DEV_DATABASE_URL', () => {
    expect(devDatabaseFor(undefined)).toEqual({ url: DEFAULT_DEV_DATABASE_URL, host: 'localhost', port: 5432, username: 'postgres', password: 'postgres', database: 'gaia_validator' });
    expect(devDatabaseFor('postgres://me:p%40ss@127.0.0.1:5433/mine?sslmode=disable')).toMatchObject({ host: '127.0.0.1', port: 5433, username: 'me', password: 'p@ss', database: 'mine' });
    expect(devDatabaseFor('postgresql://me@db/x')).toMatchObject({ password: '', port: 5432 });
    expect(() => devDatabaseFor('mysql://x')).toThrow(/DEV_DATABASE_URL/);
  });
});
