// The driver matrix of the behavioural suite (test/db): every target gives databases of the layer on one driver,
// plus a way in that is not the code under test. Adding a target is one entry in `targets`.
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { createDatabase, type CreateDatabaseOptions, type Database } from '../../lib/db';
import { startDataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { startNeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint';
import { startNeonWsProxy } from '../../dev/peers/neon-ws-proxy';
import { captureLogger } from './logger';
import { startBouncer } from './pgbouncer';
import { adminQuery, createTestDatabase, randomName, type TestDatabase } from './postgres';

/** Settings a test gives its database; the target adds where it lives. Never read from the developer's env. */
export type DbOverrides = Omit<CreateDatabaseOptions<Record<string, never>>, 'env'>;

/** What a behaviour may need beyond the common ground; a target that lacks one says why and proves it. */
export type Feature =
  /** Several server connections at once (sessions really run in parallel, locks can be contended). */
  | 'concurrentConnections'
  /** statement_timeout / lock_timeout enforced by the server itself. */
  | 'serverEnforcedTimeouts'
  /** Our backends are visible in pg_stat_activity and can be terminated from an admin connection. */
  | 'serverAdmin'
  /** Reached over TCP: the test proxy can stand in front of it, a port can refuse it. */
  | 'tcp'
  /** session.transaction with a callback (neon-http only has batches: session.batch). */
  | 'interactiveTransactions'
  /** Nested tx.transaction() as savepoints (the Data API has none: nesting is refused). */
  | 'savepoints'
  /** Constraint violations name their constraint, table and column (the Data API gives only a message). */
  | 'errorDetails'
  /** A server session held between statements, whose transaction status the pool checks at release. */
  | 'serverSession';

export type Lack = {
  why: string;
  /** Asserts that the layer itself declares the lack (its capabilities or config), so the refusal is checked. */
  confirm(db: Database): void;
};

export type ServerAdmin = {
  /** Our backends (by application_name) with their state. */
  backends(): Promise<{ pid: number; state: string | null }[]>;
  terminate(pid: number): Promise<void>;
  /** An admin connection of its own to the test database (lock holders, long transactions); end it yourself. */
  connect(): Promise<pg.Client>;
  /** Superuser statements on the server (roles, database settings). */
  server<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<R[]>;
  /** The test database's name (for ALTER DATABASE, URLs). */
  readonly database: string;
};

export type TcpAccess = {
  /** Where the target listens. */
  readonly endpoint: { host: string; port: number };
  /** Settings that point this target's driver at another TCP endpoint (a proxy in front, a closed port). */
  via(endpoint: { host: string; port: number }, credentials?: { user?: string; password?: string; database?: string }): DbOverrides;
};

export type TargetHandle = {
  /** A database of the layer on this target; every one is closed by teardown. */
  createDb(overrides?: DbOverrides): Database;
  /** Runs one statement outside the code under test: an admin connection, or (PGlite) a fresh session of `db`. */
  sql<R = Record<string, unknown>>(db: Database, text: string, params?: unknown[]): Promise<R[]>;
  /** Present exactly when the target does not lack 'serverAdmin'. */
  admin?: ServerAdmin;
  /** Present exactly when the target does not lack 'tcp'. */
  tcp?: TcpAccess;
  teardown(): Promise<void>;
};

export type Target = {
  readonly name: string;
  readonly lacks: Partial<Record<Feature, Lack>>;
  setup(): Promise<TargetHandle>;
};

/**
 * In a test that needs `feature`: true when the target has it. Otherwise asserts (through `confirm`) that the
 * layer declares the lack, and returns false: the test ends there, asserted, never skipped.
 */
export function supports(target: Target, feature: Feature, db: Database): boolean {
  const lack = target.lacks[feature];
  if (!lack) return true;
  lack.confirm(db);
  return false;
}

/** The handle's admin access; only call after `supports(target, 'serverAdmin', db)`. */
export function adminOf(handle: TargetHandle): ServerAdmin {
  if (!handle.admin) throw new Error('target has no server admin access');
  return handle.admin;
}

export function tcpOf(handle: TargetHandle): TcpAccess {
  if (!handle.tcp) throw new Error('target is not reached over TCP');
  return handle.tcp;
}

/** Sets the target up for the enclosing describe (beforeAll) and tears it down after (afterAll). */
export function useTarget(target: Target): () => TargetHandle {
  let handle: TargetHandle | undefined;
  beforeAll(async () => {
    handle = await target.setup();
  });
  afterAll(async () => {
    await handle?.teardown();
  });
  return () => {
    if (!handle) throw new Error(`target ${target.name} is not set up`);
    return handle;
  };
}

/** Tracks databases so teardown closes them; the default logger keeps test output quiet. */
function databases(make: (overrides: DbOverrides) => Database) {
  const open: Database[] = [];
  return {
    createDb(overrides: DbOverrides = {}): Database {
      const db = make({ logger: captureLogger(), ...overrides });
      open.push(db);
      return db;
    },
    closeAll: () => Promise.allSettled(open.splice(0).map((db) => db.close())),
  };
}

const pgDirect: Target = {
  name: 'pg-direct',
  lacks: {},
  async setup() {
    const tdb: TestDatabase = await createTestDatabase('dbsuite');
    const { hostname: host, port } = new URL(tdb.url);
    const dbs = databases((o) => createDatabase({ url: tdb.url, driver: 'pg', applicationName: tdb.applicationName, env: {}, ...o }));
    return {
      createDb: dbs.createDb,
      sql: (_db, text, params) => adminQuery(text, params, tdb.name) as never,
      admin: serverAdmin(tdb),
      tcp: tcpAccess(tdb.url, { host, port: Number(port) }),
      async teardown() {
        await dbs.closeAll();
        await tdb.drop();
      },
    };
  },
};

/** Admin access to a test database on the shared server (outside the code under test). */
function serverAdmin(tdb: TestDatabase): ServerAdmin {
  return {
    database: tdb.name,
    backends: () => tdb.connections(),
    terminate: async (pid) => void (await adminQuery('SELECT pg_terminate_backend($1)', [pid])),
    connect: async () => {
      const client = new pg.Client({ connectionString: tdb.url, application_name: 'test-admin' });
      client.on('error', () => undefined); // a terminated admin connection is an expected outcome in some tests
      await client.connect();
      return client;
    },
    server: (text, params) => adminQuery(text, params),
  };
}

/** TCP access for a target whose driver takes a postgres:// URL: other endpoints by rewriting it. */
function tcpAccess(url: string, endpoint: { host: string; port: number }): TcpAccess {
  return {
    endpoint,
    via: (to, credentials = {}) => {
      const u = new URL(url);
      u.hostname = to.host;
      u.port = String(to.port);
      if (credentials.user) u.username = credentials.user;
      if (credentials.password) u.password = encodeURIComponent(credentials.password);
      if (credentials.database) u.pathname = `/${credentials.database}`;
      return { url: u.toString() };
    },
  };
}

// PGlite is one single-threaded WASM instance per database; the pool of one is its only connection.
const single: Lack['confirm'] = (db) => {
  expect(db.capabilities.concurrentConnections).toBe(false);
  expect(db.config.poolMax).toBe(1);
};

const pglite: Target = {
  name: 'pglite',
  lacks: {
    concurrentConnections: { why: 'one embedded instance: the pool of one serialises every session', confirm: single },
    serverEnforcedTimeouts: {
      why: 'single-threaded WASM: no timer interrupts a running statement, so statement_timeout / lock_timeout never fire',
      confirm: (db) => expect(db.capabilities.serverEnforcedTimeouts).toBe(false),
    },
    serverAdmin: { why: 'one embedded session: there is no other backend to observe in pg_stat_activity or to terminate', confirm: single },
    tcp: { why: 'embedded in the process: no socket to proxy, refuse or freeze', confirm: (db) => expect(db.config.url).toBeUndefined() },
  },
  async setup() {
    const template = await pgliteTemplate();
    const dirs: string[] = [];
    const dbs = databases((o) => {
      // A copy of an initialised data folder opens in ~0.3 s; a fresh instance runs initdb (2-4 s) each time.
      const dir = path.join(tmpdir(), randomName('pglite-db'));
      dirs.push(dir);
      const db = createDatabase({ driver: 'pglite', pgliteDataDir: dir, env: {}, ...o });
      // Copied when the first session needs it: a test that only confirms a declared lack never pays for it.
      let copied = false;
      const session: Database['session'] = (fn, options) => {
        if (!copied) cpSync(template, dir, { recursive: true });
        copied = true;
        return db.session(fn, options);
      };
      return { ...db, session };
    });
    return {
      createDb: dbs.createDb,
      // No second way into an embedded instance: a fresh session of the same database is the outside view.
      sql: async (db, text, params) => (await db.session((s) => s.query(text, params))).rows as never,
      async teardown() {
        await dbs.closeAll();
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** An initialised PGlite data folder, made once per PGlite version and shared by every test file (read-only). */
async function pgliteTemplate(): Promise<string> {
  const manifest = new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const dir = path.join(tmpdir(), `gaia-pglite-template-${version}`);
  if (existsSync(path.join(dir, 'PG_VERSION'))) return dir;
  const staging = path.join(tmpdir(), randomName('pglite-staging'));
  const db = createDatabase({ driver: 'pglite', pgliteDataDir: staging, env: {}, logger: captureLogger() });
  await db.session((s) => s.query('SELECT 1'));
  await db.close();
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another worker made it first
  }
  return dir;
}

// The proxy-aware targets reach the shared server through the local peers (dev/peers) or a PgBouncer of their own.

/** pg through PgBouncer in transaction pooling (a private instance: the shared one may be restarted by a test). */
const pgbouncer: Target = {
  name: 'pgbouncer',
  lacks: {
    serverAdmin: {
      why: "behind a pooler the server backends are PgBouncer's (kept up to its server_idle_timeout, shared by clients); ours are client connections",
      confirm: (db) => expect(db.profile.name).toBe('pgbouncer'),
    },
  },
  async setup() {
    const tdb = await createTestDatabase('dbsuite');
    const bouncer = await startBouncer();
    const url = bouncer.url(tdb.name);
    const dbs = databases((o) => createDatabase({ url, driver: 'pg', proxyProfile: 'pgbouncer', applicationName: tdb.applicationName, env: {}, ...o }));
    return {
      createDb: dbs.createDb,
      sql: (_db, text, params) => adminQuery(text, params, tdb.name) as never,
      tcp: tcpAccess(url, { host: '127.0.0.1', port: bouncer.port }),
      async teardown() {
        await dbs.closeAll();
        await bouncer.stop();
        await tdb.drop();
      },
    };
  },
};

/** @neondatabase/serverless Client over the local WebSocket proxy, which dials the URL's host:port over TCP. */
const neonWs: Target = {
  name: 'neon-ws',
  lacks: {},
  async setup() {
    const tdb = await createTestDatabase('dbsuite');
    const proxy = await startNeonWsProxy();
    const { hostname: host, port } = new URL(tdb.url);
    const dbs = databases((o) =>
      createDatabase({
        url: tdb.url,
        driver: 'neon-ws',
        applicationName: tdb.applicationName,
        neonWsProxy: proxy.url,
        neonSecureWebSocket: false,
        neonPipelineConnect: false,
        neonCoalesceWrites: false,
        env: {},
        ...o,
      }),
    );
    return {
      createDb: dbs.createDb,
      sql: (_db, text, params) => adminQuery(text, params, tdb.name) as never,
      admin: serverAdmin(tdb),
      tcp: tcpAccess(tdb.url, { host, port: Number(port) }),
      async teardown() {
        await dbs.closeAll();
        await proxy.close();
        await tdb.drop();
      },
    };
  },
};

// HTTP drivers hold no connection of ours between requests: statements run on the service's own pool.
const overHttp: Record<'serverAdmin' | 'tcp' | 'serverSession', Lack> = {
  serverAdmin: {
    why: "HTTP: statements run on the service's pooled connections, not on backends of ours",
    confirm: (db) => expect(db.capabilities.stateless).toBe(true),
  },
  tcp: { why: 'HTTP requests to an API, not a PostgreSQL socket', confirm: (db) => expect(db.capabilities.stateless).toBe(true) },
  serverSession: {
    why: 'no server session is held between requests: nothing to carry a transaction into the next one',
    confirm: (db) => expect(db.capabilities.stateless).toBe(true),
  },
};

/** The RDS Data API (the real AWS SDK) through the local endpoint. */
const dataApi: Target = {
  name: 'data-api',
  lacks: {
    ...overHttp,
    savepoints: { why: 'the Data API has no savepoints: nested transactions are refused', confirm: (db) => expect(db.capabilities.savepoints).toBe(false) },
    errorDetails: {
      why: "the service returns PostgreSQL's error as message text; only the SQLSTATE is read from it",
      confirm: (db) => expect(db.capabilities.errorDetails).toBe(false),
    },
  },
  async setup() {
    const tdb = await createTestDatabase('dbsuite');
    const endpoint = await startDataApiEndpoint();
    const dbs = databases((o) =>
      createDatabase({
        driver: 'data-api',
        dataApiResourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:local',
        dataApiSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:local',
        dataApiDatabase: tdb.name,
        dataApiEndpoint: endpoint.url,
        env: {},
        ...o,
      }),
    );
    return {
      createDb: dbs.createDb,
      sql: (_db, text, params) => adminQuery(text, params, tdb.name) as never,
      async teardown() {
        await dbs.closeAll();
        await endpoint.close();
        await tdb.drop();
      },
    };
  },
};

/** neon() over the local SQL-over-HTTP endpoint: reads and batches only (transactions: 'batch-only'). */
const neonHttp: Target = {
  name: 'neon-http',
  lacks: {
    ...overHttp,
    interactiveTransactions: {
      why: 'one HTTP request per statement or batch: session.transaction is refused, session.batch is the write path',
      confirm: (db) => {
        expect(db.capabilities.interactiveTransactions).toBe(false);
        expect(db.config.transactions).toBe('batch-only');
      },
    },
    savepoints: { why: 'no interactive transactions, so no nesting', confirm: (db) => expect(db.capabilities.savepoints).toBe(false) },
  },
  async setup() {
    const tdb = await createTestDatabase('dbsuite');
    const endpoint = await startNeonHttpEndpoint();
    const dbs = databases((o) =>
      createDatabase({
        url: tdb.url,
        driver: 'neon-http',
        transactions: 'batch-only',
        applicationName: tdb.applicationName,
        neonFetchEndpoint: endpoint.url,
        env: {},
        ...o,
      }),
    );
    return {
      createDb: dbs.createDb,
      sql: (_db, text, params) => adminQuery(text, params, tdb.name) as never,
      async teardown() {
        await dbs.closeAll();
        await endpoint.close();
        await tdb.drop();
      },
    };
  },
};

/** Every target of the matrix; `describe.each(targets)` runs a behaviour on each. */
export const targets: Target[] = [pgDirect, pglite, pgbouncer, neonWs, dataApi, neonHttp];

