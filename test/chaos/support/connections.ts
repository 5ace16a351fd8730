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

/** Polls the server's client backends on `database` until stopped; resolves to the peak seen. */
export function sampleServerConnections(env: ChaosEnv, database: string, everyMs = 50): { stop(): Promise<number> } {
  let running = true;
  let peak = 0;
  const done = (async () => {
    // One connection for the whole run, opened first: the superuser slots keep it possible at max_connections.
    const admin = new pg.Client({ ...env.cluster.endpoint, user: 'postgres', database: 'postgres', application_name: 'chaos-sampler' });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      while (running) {
        const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [
          database,
        ]);
        peak = Math.max(peak, rows[0]!.n);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    } finally {
      await admin.end().catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return peak;
    },
  };
}
