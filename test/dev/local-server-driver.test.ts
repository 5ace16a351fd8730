// `npm start` with a DB_DRIVER set and no DATABASE_URL: the configured driver runs (data-api needs no URL) or the
// server refuses to start naming what is missing; it never falls back to PGlite in silence.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { DATA_API_ARNS } from '../drivers/helpers';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

/** Runs `tsx dev/server.ts` until it prints its URL (then stops it) or exits; returns the output and exit code. */
function runServer(env: Record<string, string>): Promise<{ output: string; code: number | null }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gaia-dev-driver-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/server.ts'], {
    env: { ...process.env, DATABASE_URL: '', DB_DRIVER: '', ADMIN_TOKEN: 'dev-driver-test-token-0123456789', PORT: '0', DEV_TIMERS: 'off', DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
    if (/listening on http/.test(output)) child.kill('SIGTERM');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ output, code });
    }),
  );
}

describe('local server with DB_DRIVER and no DATABASE_URL', () => {
  let tdb: TestDatabase;
  let endpoint: DataApiEndpoint;
  beforeAll(async () => {
    tdb = await createTestDatabase('devdriver');
    endpoint = await startDataApiEndpoint();
  });
  afterAll(async () => {
    await endpoint?.close();
    await tdb?.drop();
  });

  it('refuses to start on data-api without its settings, naming the missing one', async () => {
    // Act
    const { output, code } = await runServer({ DB_DRIVER: 'data-api' });

    // Assess
    expect(code).not.toBe(0);
    expect(output).toContain('DB_DATA_API_RESOURCE_ARN is required for driver "data-api"');
    expect(output).not.toContain('PGlite');
  });

  it('refuses to start on pg without DATABASE_URL', async () => {
    // Act
    const { output, code } = await runServer({ DB_DRIVER: 'pg' });

    // Assess
    expect(code).not.toBe(0);
    expect(output).toContain('DATABASE_URL is required for driver "pg"');
  });

  it('runs on the Data API it is given, migrations included', async () => {
    // Act
    const { output } = await runServer({
      DB_DRIVER: 'data-api',
      DB_DATA_API_RESOURCE_ARN: DATA_API_ARNS.dataApiResourceArn,
      DB_DATA_API_SECRET_ARN: DATA_API_ARNS.dataApiSecretArn,
      DB_DATA_API_DATABASE: tdb.name,
      DB_DATA_API_ENDPOINT: endpoint.url,
    });

    // Assess
    expect(output).toContain(`database: data-api on ${endpoint.url} (DB_DATA_API_*)`);
    expect(output).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(output).not.toContain('PGlite');
  });
});
