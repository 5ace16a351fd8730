// A driver's npm package is loaded at the first connect, and only the configured driver's: createDatabase loads
// none (its capabilities are known without it). Observed in a fresh node process, whose module cache holds
// nothing but what the code under test loaded; pg, ws and the AWS SDK are CommonJS, so they show in require.cache.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { DATA_API_ARNS } from './helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = { pg: '/node_modules/pg/', ws: '/node_modules/ws/', dataApi: '/node_modules/@aws-sdk/client-rds-data/' };

/** Runs the script (an ES module with top-level await, lib/db as `db`) in a fresh node; returns what it printed as JSON. */
function inFreshNode(script: string): Record<string, unknown> {
  const prelude = [
    `import { createRequire } from 'node:module';`,
    `const db = await import(${JSON.stringify(pathToFileURL(path.join(root, 'lib/db/index.ts')).href)});`,
    `const packages = ${JSON.stringify(PACKAGES)};`,
    `const loaded = () => Object.fromEntries(Object.entries(packages).map(([k, dir]) =>`,
    `  [k, Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes(dir))]));`,
  ].join('\n');
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `${prelude}\n${script}`], {
    cwd: root,
    env: { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) throw new Error(`child failed (${child.status}): ${child.stderr.slice(0, 2000)}`);
  const last = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Record<string, unknown>;
}

describe('driver loading', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('lazyload');
  });
  afterAll(async () => {
    await tdb.drop();
  });

  it('loads no driver package at createDatabase, and only pg at the first pg session', () => {
    // Prepare
    const script = `
      const pgDb = db.createDatabase({ url: ${JSON.stringify(tdb.url)}, driver: 'pg', applicationName: ${JSON.stringify(tdb.applicationName)}, env: {} });
      const capabilities = pgDb.capabilities;
      const afterCreate = loaded();
      const rows = (await pgDb.session((s) => s.query('SELECT 1 AS one'))).rows;
      const afterSession = loaded();
      await pgDb.close();
      console.log(JSON.stringify({ capabilities, afterCreate, rows, afterSession }));`;

    // Act
    const out = inFreshNode(script);

    // Assess
    expect(out.capabilities).toMatchObject({ interactiveTransactions: true, savepoints: true, concurrentConnections: true });
    expect(out.afterCreate).toEqual({ pg: false, ws: false, dataApi: false });
    expect(out.rows).toEqual([{ one: 1 }]);
    expect(out.afterSession).toEqual({ pg: true, ws: false, dataApi: false });
  });

  it('declares the capabilities of a driver it has not loaded', () => {
    // Prepare: no endpoint is reachable at this port; nothing may try it.
    const script = `
      const dataApi = db.createDatabase({ driver: 'data-api', ...${JSON.stringify(DATA_API_ARNS)}, dataApiDatabase: 'x', dataApiEndpoint: 'http://127.0.0.1:9', env: {} });
      const neonHttp = db.createDatabase({ driver: 'neon-http', transactions: 'batch-only', url: 'postgres://u@127.0.0.1:9/x', env: {} });
      const rdsProxy = db.createDatabase({ driver: 'pg', proxyProfile: 'rds-proxy', url: 'postgres://u@127.0.0.1:9/x', env: {} });
      console.log(JSON.stringify({ dataApi: dataApi.capabilities, neonHttp: neonHttp.capabilities, rdsProxy: rdsProxy.capabilities, loaded: loaded() }));`;

    // Act
    const out = inFreshNode(script);

    // Assess
    expect(out.dataApi).toMatchObject({ savepoints: false, stateless: true, errorDetails: false });
    expect(out.neonHttp).toMatchObject({ interactiveTransactions: false, stateless: true });
    // RDS Proxy pins a connection on SET: the profile decides, before pg is loaded.
    expect(out.rdsProxy).toMatchObject({ setLocalTimeouts: false });
    expect(out.loaded).toEqual({ pg: false, ws: false, dataApi: false });
  });
});
