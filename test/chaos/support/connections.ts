// What a scenario leaves behind: our connections (on the server, or PgBouncer's clients), sessions idle in a
// transaction, and the peak of server connections while it ran.
import pg from 'pg';
import { eventually } from '../../support/postgres';
import { APPLICATION, bouncerAdmin, type ChaosEnv } from './environment';

export type Leftovers = { connectionsLeft: number; idleInTransaction: number };

/** Server sessions of the database idle in a transaction (any application: behind PgBouncer they are its). */
async function idleInTransaction(env: ChaosEnv, database: string): Promise<number> {
  const [r] = await env.cluster.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'",
    [database],
  );
  return r!.n;
}

/** Our connections: server backends by application_name, or (through PgBouncer) its clients on the database. */
async function ours(env: ChaosEnv, database: string, viaBouncer: boolean): Promise<number> {
  if (viaBouncer) {
    const clients = await bouncerAdmin<{ database: string }>(env.bouncer, 'SHOW CLIENTS');
    return clients.filter((c) => c.database === database).length;
  }
  const [r] = await env.cluster.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [
    database,
    APPLICATION,
  ]);
  return r!.n;
}

/**
 * After the load: none idle in transaction (checked while the containers still hold their pools), then, once the
 * containers are closed (`close`), none of our connections left. Each given a few seconds to settle (a destroyed
 * socket's backend needs a moment to notice).
 */
export async function leftovers(env: ChaosEnv, database: string, viaBouncer: boolean, close: () => Promise<void>): Promise<Leftovers> {
  const idle = await eventually(() => idleInTransaction(env, database), (n) => n === 0, 3_000, 100);
  await close();
  const left = await eventually(() => ours(env, database, viaBouncer), (n) => n === 0, 5_000, 100);
  return { connectionsLeft: left, idleInTransaction: idle };
}

export type ConnectionPeaks = {
  /** Client backends on the database, as the server lists them at one instant. */
  server: number;
  /**
   * The same, held over two samples in a row (50 ms apart): a backend whose client is already gone (PgBouncer drops a
   * server connection whose client left mid-transaction and opens another) is listed until its process exits, a
   * moment; a pool over its size stays.
   */
  serverSustained: number;
  /** Server connections PgBouncer lists for the database (SHOW SERVERS, cancel connections included); null: not sampled. */
  pooler: number | null;
  /** Why sampling stopped early (the server or PgBouncer went away), if it did. */
  error: string | null;
};

/** Polls the server's client backends on `database` (and PgBouncer's server connections) until stopped; the peaks. */
export function sampleServerConnections(env: ChaosEnv, database: string, viaBouncer: boolean, everyMs = 50): { stop(): Promise<ConnectionPeaks> } {
  let running = true;
  const peaks: ConnectionPeaks = { server: 0, serverSustained: 0, pooler: viaBouncer ? 0 : null, error: null };
  let previous = 0;
  const done = (async () => {
    // Connections for the whole run, opened first: the superuser slots keep the server's possible at max_connections.
    const admin = new pg.Client({ ...env.cluster.endpoint, user: 'postgres', database: 'postgres', application_name: 'chaos-sampler' });
    const pooler = viaBouncer ? new pg.Client({ host: '127.0.0.1', port: env.bouncer.port, user: 'postgres', database: 'pgbouncer' }) : undefined;
    for (const c of [admin, pooler]) c?.on('error', () => undefined);
    try {
      await admin.connect();
      await pooler?.connect();
      while (running) {
        const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [
          database,
        ]);
        const n = rows[0]!.n;
        peaks.server = Math.max(peaks.server, n);
        peaks.serverSustained = Math.max(peaks.serverSustained, Math.min(previous, n));
        previous = n;
        if (pooler) {
          const servers = await pooler.query<{ database: string }>({ text: 'SHOW SERVERS', queryMode: 'simple' } as pg.QueryConfig);
          peaks.pooler = Math.max(peaks.pooler!, servers.rows.filter((r) => r.database === database).length);
        }
        await new Promise((r) => setTimeout(r, everyMs));
      }
    } catch (err) {
      peaks.error = (err as Error).message; // reported with the peaks; the scenario's own checks say what it means
    } finally {
      await admin.end().catch(() => undefined);
      await pooler?.end().catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return peaks;
    },
  };
}
