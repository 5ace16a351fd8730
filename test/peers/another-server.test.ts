// The HTTP peers in front of another PostgreSQL (a throwaway cluster that checks passwords, on its own port): the
// `npm run peer -- --target` option, neon-http's password check (the real endpoint authenticates every request),
// and both peers surviving restarts of that server under load.
import { spawn } from 'node:child_process';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { startNeonHttpEndpoint, type NeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint';
import { AuthenticationError, ConnectionFailedError, ConnectionLostError, createDatabase, type Database } from '../../lib/db';
import { startCluster, type Cluster } from '../support/cluster';
import { DATA_API_ARNS } from '../drivers/helpers';
import { captureLogger } from '../support/logger';

const ROLE = 'app';
const PASSWORD = 'app-pw';
const DATABASE = 'appdb';

let cluster: Cluster;
let url: (password: string) => string;

beforeAll(async () => {
  cluster = await startCluster({ password: 'cluster-admin' });
  await cluster.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'`);
  await cluster.query(`CREATE DATABASE ${DATABASE} OWNER ${ROLE}`);
  await cluster.query(`CREATE TABLE hits (id serial PRIMARY KEY, n int NOT NULL); ALTER TABLE hits OWNER TO ${ROLE}`, [], DATABASE);
  url = (password) => `postgresql://${ROLE}:${password}@127.0.0.1:${cluster.endpoint.port}/${DATABASE}`;
}, 120_000);

afterAll(async () => {
  await cluster?.close();
});

const sdkClient = (endpoint: string) =>
  new RDSDataClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

describe('npm run peer -- --target', () => {
  it('fronts the PostgreSQL named by a URL, as the user and password the Data API secret would hold', async () => {
    // Prepare
    const child = spawn(process.execPath, ['--import', 'tsx', 'dev/peers/cli.ts', 'data-api', '--target', url(PASSWORD)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        const match = /RDS Data API endpoint on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`peer exited with ${code}: ${output}`)));
    });
    const client = sdkClient(endpoint);

    // Act
    const result = await client
      .send(new ExecuteStatementCommand({ resourceArn: DATA_API_ARNS.dataApiResourceArn, secretArn: DATA_API_ARNS.dataApiSecretArn, database: DATABASE, sql: "SELECT current_setting('port') AS port, current_user AS who" }))
      .finally(() => (client.destroy(), child.kill('SIGTERM')));

    // Assess
    expect(output).toContain(`fronting PostgreSQL at 127.0.0.1:${cluster.endpoint.port}`);
    expect(result.records).toEqual([[{ stringValue: String(cluster.endpoint.port) }, { stringValue: ROLE }]]);
  });
});

describe('neon-http peer: the connection string password is checked', () => {
  let endpoint: NeonHttpEndpoint;
  beforeAll(async () => {
    endpoint = await startNeonHttpEndpoint({ pgHost: cluster.endpoint.host, pgPort: cluster.endpoint.port });
  });
  afterAll(async () => {
    await endpoint?.close();
  });

  it('refuses a wrong password as the proxy does (HTTP 400) and the driver types it as AuthenticationError', async () => {
    // Prepare
    neonConfig.fetchEndpoint = endpoint.url;
    const db = createDatabase({ url: url('wrong'), driver: 'neon-http', transactions: 'batch-only', neonFetchEndpoint: endpoint.url, logger: captureLogger(), env: {} });

    // Act
    const raw = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'Neon-Connection-String': url('wrong'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: 'SELECT 1', params: [] }),
    });
    const body = (await raw.json()) as { message: string };
    const typed = await db.session((s) => s.query('SELECT 1')).catch((e: unknown) => e);
    const right = await neon(url(PASSWORD)).query('SELECT current_user AS who');
    await db.close();

    // Assess
    expect(raw.status).toBe(400);
    expect(body.message).toBe(`password authentication failed for user '${ROLE}'`);
    expect(JSON.stringify(body)).not.toContain('wrong');
    expect(typed).toBeInstanceOf(AuthenticationError);
    expect(right).toEqual([{ who: ROLE }]);
  });
});

describe('both HTTP peers while their PostgreSQL restarts under load', () => {
  let dataApi: DataApiEndpoint;
  let neonHttp: NeonHttpEndpoint;
  let databases: Database[];

  beforeAll(async () => {
    const target = { pgHost: cluster.endpoint.host, pgPort: cluster.endpoint.port };
    dataApi = await startDataApiEndpoint({ ...target, pgUser: ROLE, pgPassword: PASSWORD });
    neonHttp = await startNeonHttpEndpoint(target);
    const common = { logger: captureLogger(), env: {} };
    databases = [
      createDatabase({ driver: 'data-api', ...DATA_API_ARNS, dataApiDatabase: DATABASE, dataApiEndpoint: dataApi.url, ...common }),
      createDatabase({ url: url(PASSWORD), driver: 'neon-http', transactions: 'batch-only', neonFetchEndpoint: neonHttp.url, ...common }),
    ];
  });
  afterAll(async () => {
    await Promise.allSettled((databases ?? []).map((db) => db.close()));
    await dataApi?.close();
    await neonHttp?.close();
  });

  it('stay up, answer with results or retryable connection errors, and serve again once it is back', async () => {
    // Prepare
    const failures: unknown[] = [];
    let done = false;
    const load = async (db: Database) => {
      for (let i = 0; !done && i < 2_000; i++) {
        const work = (s: Parameters<Parameters<Database['session']>[0]>[0]): Promise<unknown> =>
          i % 2 ? s.query('SELECT count(*) FROM hits') : s.batch([{ text: 'INSERT INTO hits (n) VALUES ($1)', params: [i] }]);
        await db.session(work).catch((e: unknown) => {
          failures.push(e);
        });
      }
    };
    const running = databases.flatMap((db) => [load(db), load(db), load(db)]);

    // Act
    for (let restart = 0; restart < 2; restart++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await cluster.restart();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    done = true;
    await Promise.all(running);
    const after = await Promise.all(databases.map((db) => db.session((s) => s.query<{ one: number }>('SELECT 1 AS one'))));

    // Assess
    expect(failures.length).toBeGreaterThan(0);
    for (const error of failures) {
      expect([ConnectionLostError, ConnectionFailedError].some((type) => error instanceof type), String(error)).toBe(true);
    }
    expect(after.map((r) => r.rows)).toEqual([[{ one: 1 }], [{ one: 1 }]]);
  });
});
