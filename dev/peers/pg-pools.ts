// One pg.Pool per (user, password, database) for a peer, created on first use, all closed together; and the
// lease a request holds on one of its clients. The peers stand in for services that survive what PostgreSQL does
// to its backends (idle timeouts, failovers, pg_terminate_backend, restarts), so:
// - every client has an 'error' listener for its whole life, checked out or idle (pg.Pool listens only while a
//   client is idle: an error on a checked-out one would otherwise be an unhandled 'error' event, a crash);
// - a client goes back to the pool only when it is alive and idle outside a transaction (Neon's proxy
//   `discard.check_idle(status)` in proxy/src/serverless/sql_over_http.rs); anything else is destroyed.
import pg from 'pg';
import { RAW_TEXT_TYPES } from './pg-types.js';

export type PoolTarget = { host: string; port: number };

export type PoolOptions = {
  /** Session settings sent at startup, e.g. { TimeZone: 'UTC' }. */
  settings?: Record<string, string>;
  max?: number;
  applicationName?: string;
};

export type PoolCache = {
  get(user: string, database: string, password?: string): pg.Pool;
  /** Forgets (and ends) a pool, e.g. one whose password was refused. */
  drop(pool: pg.Pool): void;
  closeAll(): Promise<void>;
};

/** Set by the lifetime error listener: the backend is gone (terminated, restarted, socket reset). */
const DEAD = Symbol('dead');
type TrackedClient = pg.PoolClient & { [DEAD]?: true };

export function createPoolCache(target: PoolTarget, options: PoolOptions = {}): PoolCache {
  const pools = new Map<string, pg.Pool>();
  const startupOptions = Object.entries(options.settings ?? {})
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  return {
    get(user, database, password) {
      const key = `${user}\u0000${database}\u0000${password ?? ''}`;
      let pool = pools.get(key);
      if (!pool) {
        pool = new pg.Pool({
          host: target.host,
          port: target.port,
          user,
          password,
          database,
          max: options.max ?? 10,
          idleTimeoutMillis: 10_000,
          application_name: options.applicationName,
          options: startupOptions || undefined,
          // Raw text for every type: the peers shape values the way the real services do.
          types: RAW_TEXT_TYPES as unknown as pg.CustomTypesConfig,
        });
        // An idle client dying is the pool's event, not a crash.
        pool.on('error', () => undefined);
        pool.on('connect', (client: TrackedClient) => {
          client.on('error', () => {
            client[DEAD] = true;
          });
        });
        pools.set(key, pool);
      }
      return pool;
    },
    drop(pool) {
      for (const [key, p] of pools) if (p === pool) pools.delete(key);
      pool.end().catch(() => undefined);
    },
    async closeAll() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map((p) => p.end()));
    },
  };
}

/** A checked-out client and the one way to give it back. */
export type Lease = {
  readonly client: pg.PoolClient;
  /** The server process id (BackendKeyData), for cancelling and for the service's dbConnectionId. */
  readonly pid: number;
  /** Returns the client if it is alive and idle, else destroys it; `discard` destroys it anyway. Idempotent. */
  release(discard?: boolean): void;
  readonly released: boolean;
};

export async function lease(pool: pg.Pool): Promise<Lease> {
  const client = (await pool.connect()) as TrackedClient;
  let released = false;
  return {
    client,
    pid: backendPid(client),
    release(discard = false) {
      if (released) return;
      released = true;
      client.release(discard || !reusable(client) ? true : undefined);
    },
    get released() {
      return released;
    },
  };
}

/** Alive (no error, socket open) and idle outside a transaction ('I' in the last ReadyForQuery). */
function reusable(client: TrackedClient): boolean {
  const internals = client as unknown as { _ending?: boolean; _queryable?: boolean; _txStatus?: string | null };
  return !client[DEAD] && !internals._ending && internals._queryable !== false && internals._txStatus === 'I';
}

/** True for an error after which the backend is gone: FATAL/PANIC reports, connection-class codes, socket errors. */
export function endsConnection(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return true;
  return error.severity === 'FATAL' || error.severity === 'PANIC' || error.code?.startsWith('08') === true || error.code === '57P01';
}

/** The server process id pg reads from BackendKeyData (not in @types/pg). */
function backendPid(client: pg.ClientBase): number {
  return (client as unknown as { processID?: number }).processID ?? 0;
}

/** Cancels a backend's running statement: pg_cancel_backend on a connection of its own, as the same user. */
export async function cancelBackend(pool: pg.Pool, pid: number): Promise<void> {
  const { host, port, user, password, database } = (pool as unknown as { options: pg.PoolConfig }).options;
  const admin = new pg.Client({ host, port, user, password, database, application_name: 'peer-cancel' });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.query('SELECT pg_cancel_backend($1)', [pid]);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
