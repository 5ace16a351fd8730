// The HTTP peers behind the database layer while PostgreSQL terminates their backends at random under load (as an
// idle timeout, a failover or an operator's pg_terminate_backend does): the peer stays up, every failed request is a
// typed, retryable connection error (a 503 at the API, never a 500), and no client whose backend died is reused.
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_API_APPLICATION_NAME, startDataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { NEON_HTTP_APPLICATION_NAME, startNeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint';
import { ConnectionFailedError, ConnectionLostError, DbError, type Database } from '../../lib/db';
import { DATA_API_ARNS, dataApiDatabase, neonHttpDatabase } from '../drivers/helpers';
import { adminQuery, createTestDatabase, eventually, type TestDatabase } from '../support/postgres';

type Running = {
  db: Database;
  /** One statement through the service's own client, without the layer (and its retries) in between. */
  raw(sql: string): Promise<unknown>;
  close(): Promise<void>;
};

type Peer = {
  name: string;
  applicationName: string;
  start(tdb: TestDatabase): Promise<Running>;
  /** One write as the driver makes it: a transaction (Data API) or a batch (neon-http). */
  write(db: Database, n: number): Promise<unknown>;
};

const peers: Peer[] = [
  {
    name: 'data-api',
    applicationName: DATA_API_APPLICATION_NAME,
    async start(tdb) {
      const endpoint = await startDataApiEndpoint();
      const db = dataApiDatabase(tdb, endpoint);
      const client = new RDSDataClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
      const { dataApiResourceArn: resourceArn, dataApiSecretArn: secretArn } = DATA_API_ARNS;
      return {
        db,
        raw: (sql) => client.send(new ExecuteStatementCommand({ resourceArn, secretArn, database: tdb.name, sql })),
        close: async () => (client.destroy(), await db.close(), await endpoint.close()),
      };
    },
    write: (db, n) => db.session((s) => s.transaction(async (tx) => (await tx.query('INSERT INTO hits (n) VALUES ($1)', [n]), tx.query('SELECT count(*) FROM hits')))),
  },
  {
    name: 'neon-http',
    applicationName: NEON_HTTP_APPLICATION_NAME,
    async start(tdb) {
      const endpoint = await startNeonHttpEndpoint();
      const db = neonHttpDatabase(tdb, endpoint);
      const sql = neon(tdb.url.replace('postgres://postgres@', 'postgres://postgres:any@'));
      return {
        db,
        raw: (text) => ((neonConfig.fetchEndpoint = endpoint.url), sql.query(text)),
        close: async () => (await db.close(), await endpoint.close()),
      };
    },
    write: (db, n) => db.session((s) => s.batch([{ text: 'INSERT INTO hits (n) VALUES ($1)', params: [n] }, { text: 'SELECT count(*) FROM hits' }])),
  },
];

const WORKERS = 6;
const CALLS_PER_WORKER = 40;
const MAX_KILLS = 80;

describe.each(peers)('$name peer with its backends terminated under load', (peer) => {
  let tdb: TestDatabase;
  let running: Running;

  const peerBackends = () =>
    adminQuery<{ pid: number; state: string | null; query: string }>('SELECT pid, state, query FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [
      tdb.name,
      peer.applicationName,
    ]);
  const terminate = (pid: number) => adminQuery('SELECT pg_terminate_backend($1)', [pid]);
  const read = () => running.db.session((s) => s.query<{ n: number }>('SELECT count(*)::int AS n FROM hits'));

  beforeAll(async () => {
    tdb = await createTestDatabase('kills');
    await adminQuery('CREATE TABLE hits (id serial PRIMARY KEY, n int NOT NULL)', [], tdb.name);
    running = await peer.start(tdb);
  });

  afterAll(async () => {
    await running?.close();
    await tdb?.drop();
  });

  it('answers every request with a result or a retryable connection error while backends die', async () => {
    // Prepare
    const failures: unknown[] = [];
    let successes = 0;
    let done = false;
    const worker = async (w: number) => {
      for (let i = 0; i < CALLS_PER_WORKER; i++) {
        try {
          await (i % 2 === 0 ? peer.write(running.db, w * 1000 + i) : read());
          successes++;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const killer = async () => {
      let kills = 0;
      while (!done && kills < MAX_KILLS) {
        const victims = (await peerBackends()).map((b) => b.pid);
        const pid = victims[Math.floor(Math.random() * victims.length)];
        if (pid !== undefined) {
          await terminate(pid);
          kills++;
        }
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      return kills;
    };

    // Act
    const killing = killer();
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    done = true;
    const kills = await killing;

    // Assess
    expect(kills).toBeGreaterThan(0);
    expect(successes).toBeGreaterThan(0);
    for (const error of failures) {
      expect(error).toBeInstanceOf(DbError);
      expect([ConnectionLostError, ConnectionFailedError].some((type) => error instanceof type), String(error)).toBe(true);
      expect((error as DbError).retryable).toBe(true);
    }
  });

  it('never hands a client whose backend died to the next request', async () => {
    // Prepare: every backend the peer holds is terminated, mid-statement for one of them.
    await Promise.all(Array.from({ length: 4 }, () => running.raw('SELECT 1')));
    const sleeping = running.raw('SELECT pg_sleep(5)').catch((e: unknown) => e);
    await eventually(peerBackends, (rows) => rows.some((b) => b.state === 'active' && b.query.includes('pg_sleep(5)')));
    const killed = (await peerBackends()).map((b) => b.pid);
    for (const pid of killed) await terminate(pid);
    const interrupted = await sleeping;

    // Act: straight through the service's client, no retry in between.
    const results: unknown[] = [];
    for (let i = 0; i < 20; i++) results.push(await running.raw('SELECT 1'));
    const stuck = await eventually(peerBackends, (rows) => !rows.some((b) => b.state?.startsWith('idle in transaction')));

    // Assess
    expect(killed.length).toBeGreaterThan(0);
    expect(interrupted).toBeInstanceOf(Error);
    expect(results).toHaveLength(20);
    expect(stuck.map((b) => b.pid).filter((pid) => killed.includes(pid))).toEqual([]);
    expect(stuck.filter((b) => b.state?.startsWith('idle in transaction'))).toEqual([]);
  });
});
