// Where the chaos suite runs: a throwaway PostgreSQL cluster (max_connections 100) and a PgBouncer of its own in
// front of it (scripts/pgbouncer.sh: transaction pooling, default_pool_size 20), never the shared servers. A template
// database is migrated and given the metagraph once; every scenario gets a fresh copy of it. The containers connect
// as an ordinary role (`chaos`), as an application does: connection limits apply to it, and the superuser slots stay
// free for the suite's own admin connections.
import pg from 'pg';
import { createDatabase, migrate } from '../../../lib/db';
import { quietLogger } from '../../validator/fixtures';
import { startCluster, type Cluster } from '../../support/cluster';
import { invoke } from '../../support/apigw';
import { startBouncer, type Bouncer } from '../../support/pgbouncer';
import { startContainers, stopContainers } from './containers';
import { ADMIN_TOKEN, minersRequest, VALIDATOR } from './requests';

export const MAX_CONNECTIONS = 100;
export const BOUNCER_POOL_SIZE = 20;
/** application_name of every container's connections: tells ours apart on the server. */
export const APPLICATION = 'chaos';
/** The role the containers log in as (trust auth, owner of the scenario databases). */
export const ROLE = 'chaos';
const TEMPLATE = 'chaos_template';

export type ChaosEnv = {
  cluster: Cluster;
  bouncer: Bouncer;
  /** A fresh copy of the template for one scenario. */
  database(name: string): Promise<string>;
  /** The containers' URL of a database: straight to the server, or through the suite's PgBouncer. */
  url(database: string, via: 'direct' | 'pgbouncer'): string;
  /** The containers' environment for a database reached at `url`. */
  containerEnv(url: string, extra?: Record<string, string>): Record<string, string>;
  /** Whether the suite's PgBouncer still runs; restarts it when not (`restart`), so later scenarios have one. */
  bouncerAlive(restart?: boolean): Promise<boolean>;
  /** Rows of one statement on a scenario's database, as the cluster's superuser (outside the code under test). */
  rows(database: string, text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
};

export async function startChaosEnv(log: (m: string) => void): Promise<ChaosEnv> {
  log(`starting a throwaway PostgreSQL cluster (max_connections ${MAX_CONNECTIONS}) and its PgBouncer`);
  const cluster = await startCluster({ maxConnections: MAX_CONNECTIONS });
  let bouncer: Bouncer | undefined;
  try {
    bouncer = await startBouncer({ server: cluster.endpoint, users: [ROLE] });
    await cluster.query(`CREATE ROLE ${ROLE} LOGIN`);
    const containerEnv = (url: string, extra: Record<string, string> = {}) => ({
      DATABASE_URL: url,
      DB_DRIVER: 'pg',
      DB_PROXY_PROFILE: 'auto',
      DB_APPLICATION_NAME: APPLICATION,
      ADMIN_TOKEN,
      VALIDATOR_HOTKEY: VALIDATOR.address,
      // A drained pool shows that nothing was leaked: an idle connection closes, an acquired one would stay.
      DB_POOL_IDLE_TIMEOUT_MS: '1000',
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      // Thousands of invocations: their EMF lines would bury the verdicts (the suite counts outcomes itself).
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...extra,
    });

    await cluster.query(`CREATE DATABASE ${TEMPLATE} OWNER ${ROLE}`);
    const db = createDatabase({ url: cluster.url(TEMPLATE, ROLE), driver: 'pg', logger: quietLogger, env: {} });
    try {
      await migrate(db, { migrationsFolder: 'drizzle' });
    } finally {
      await db.close();
    }
    const [c] = await startContainers(1, containerEnv(cluster.url(TEMPLATE, ROLE)));
    const sync = minersRequest();
    const res = await invoke(c!.minersSync, sync.route, sync.options);
    await stopContainers([c!]);
    if (res.status !== 200) throw new Error(`metagraph sync answered ${res.status}: ${JSON.stringify(res.json)}`);
    await cluster.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [TEMPLATE]);

    const b = bouncer;
    return {
      cluster,
      bouncer: b,
      database: async (name) => {
        await cluster.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE} OWNER ${ROLE}`);
        return name;
      },
      url: (database, via) => (via === 'pgbouncer' ? b.url(database, ROLE) : cluster.url(database, ROLE)),
      containerEnv,
      bouncerAlive: async (restart = false) => {
        let alive: boolean;
        try {
          process.kill(b.pid(), 0);
          alive = true;
        } catch {
          alive = false;
        }
        if (!alive && restart) await b.restart();
        return alive;
      },
      rows: (database, text, params) => cluster.query(text, params, database),
      close: async () => {
        await b.stop();
        await cluster.close();
      },
    };
  } catch (err) {
    await bouncer?.stop();
    await cluster.close();
    throw err;
  }
}

/** A PgBouncer admin console query (simple protocol only). */
export async function bouncerAdmin<R>(bouncer: Bouncer, text: string): Promise<R[]> {
  const admin = new pg.Client({ host: '127.0.0.1', port: bouncer.port, user: 'postgres', database: 'pgbouncer' });
  await admin.connect();
  try {
    return (await admin.query({ text, queryMode: 'simple' } as pg.QueryConfig)).rows as R[];
  } finally {
    await admin.end().catch(() => undefined);
  }
}
