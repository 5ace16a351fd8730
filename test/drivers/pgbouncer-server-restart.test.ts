// PostgreSQL restarted behind PgBouncer (a throwaway cluster and a PgBouncer of this file's own, both from the shipped
// scripts): requests during the outage fail typed (503 or 504, within their deadline), and service comes back as soon
// as PgBouncer's next login succeeds: with the shipped server_login_retry = 1, well inside the 15 s PgBouncer would
// otherwise keep refusing every client after one failed login.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionFailedError, ConnectionLostError, TimeoutError, type Database } from '../../lib/db';
import { startCluster, type Cluster } from '../support/cluster';
import { startBouncer, type Bouncer } from '../support/pgbouncer';
import { eventually } from '../support/postgres';
import { pgDatabase } from './helpers';

let cluster: Cluster;
let bouncer: Bouncer;
let db: Database;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.query('CREATE DATABASE app');
  bouncer = await startBouncer({ server: cluster.endpoint });
  db = pgDatabase(bouncer.url('app'), 'restart-test', { proxyProfile: 'pgbouncer', poolMax: 2 });
});

afterAll(async () => {
  await db?.close();
  await bouncer?.stop();
  await cluster?.close();
});

const read = (d: Database) => d.session(async (s) => (await s.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n, { deadline: Date.now() + 3_000 });
const outcome = (p: Promise<unknown>) => p.then((v) => ({ ok: true as const, v }), (err: unknown) => ({ ok: false as const, err }));
// 503s (PgBouncer refusing while its login retry runs) or 504s (a request PgBouncer holds until its deadline).
const TRANSIENT = [ConnectionLostError, ConnectionFailedError, TimeoutError];

async function showConfig(key: string): Promise<string | undefined> {
  // The admin console speaks the simple protocol only.
  const admin = new pg.Client({ host: '127.0.0.1', port: bouncer.port, user: 'postgres', database: 'pgbouncer' });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ key: string; value: string }>({ text: 'SHOW CONFIG', queryMode: 'simple' } as pg.QueryConfig);
    return rows.find((r) => r.key === key)?.value;
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL restart behind PgBouncer', () => {
  it('ships server_login_retry = 1', async () => {
    expect(await showConfig('server_login_retry')).toBe('1');
  });

  it('fails typed while the server is down and serves again within PgBouncer login retry after it is back', async () => {
    // Prepare: both pooled connections warm
    await Promise.all([read(db), read(db)]);

    // Act: the server goes down; a request meets the outage (PgBouncer's login fails and starts its retry wait)
    await cluster.stop('fast');
    const during = await outcome(read(db));
    await cluster.start();
    const failures: unknown[] = [];
    const recovered = await eventually(
      async () => {
        const r = await outcome(read(db));
        if (!r.ok) failures.push(r.err);
        return r.ok;
      },
      (ok) => ok,
      5_000, // a third of PgBouncer's default 15 s retry: it fails if the shipped config regresses
      100,
    );

    // Assess
    expect(during.ok).toBe(false);
    expect(TRANSIENT.some((t) => (during as { err: unknown }).err instanceof t)).toBe(true);
    for (const err of failures) expect(TRANSIENT.some((t) => err instanceof t), String(err)).toBe(true);
    expect(recovered).toBe(true);
    expect(db.stats().pool.acquired).toBe(0);
  });
});
