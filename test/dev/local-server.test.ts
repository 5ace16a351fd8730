// The local server as `npm start` runs it (a child process): real HTTP in, the same handlers, PGlite in a data
// folder (or DATABASE_URL), migrations on start, jobs on demand, graceful shutdown, data kept across restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hotkeyFor } from '../support/api-fixtures';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';

type Running = { child: ChildProcess; url: string; output: () => string; exited: Promise<number | null> };

/** Starts `tsx dev/server.ts` on a free port and resolves once it prints its URL. */
async function startServer(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/server.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: '', ADMIN_TOKEN: '', PORT: '0', DEV_TIMERS: 'off', POWERTOOLS_LOG_LEVEL: 'ERROR', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { child, url, output: () => out, exited };
}

async function stop(server: Running): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

const json = async (res: Response) => ({ status: res.status, headers: res.headers, body: (await res.json()) as any });

describe('local server on PGlite in a data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gaia-dev-'));
  const hotkey = hotkeyFor(77);
  let server: Running;
  let token: string;

  beforeAll(async () => {
    server = await startServer({ DATA_DIR: dataDir });
    token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  });
  afterAll(async () => {
    if (server?.child.exitCode === null) await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the URL, the routes and where the admin token comes from, but not the token', () => {
    const out = server.output();
    expect(out).toContain('PUT /miners');
    expect(out).toContain('POST /geo/predictions');
    expect(out).toContain(join(dataDir, 'admin-token'));
    expect(out).not.toContain(token);
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
  });

  it('GET /health answers through the health handler', async () => {
    const res = await json(await fetch(`${server.url}/health`));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('PUT /miners needs the admin token, then stores the slot', async () => {
    const put = (auth?: string) =>
      fetch(`${server.url}/miners`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify({ miners: [{ uid: 77, hotkey }] }),
      });
    const denied = await json(await put());
    const done = await json(await put(`Bearer ${token}`));
    expect(denied.status).toBe(401);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ upserted: 1, deregistered: [] });
  });

  it('POST /geo/predictions, POST /ground-truth/geo, then POST /_dev/jobs/geo scores the prediction', async () => {
    const post = (path: string, body: unknown, auth?: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        body: JSON.stringify(body),
      });
    const prediction = await json(await post('/geo/predictions', { hotkey, queryTime: '2024-05-01T13:00:00Z', value: -0.25 }));
    const truth = await json(await post('/ground-truth/geo', { rows: [{ hour: '2024-05-01T13:00:00Z', dst: -20 }] }, token));
    const job = await json(await fetch(`${server.url}/_dev/jobs/geo`, { method: 'POST' }));
    const scores = await json(await fetch(`${server.url}/scores?task=geomagnetic`));
    expect(prediction.status).toBe(201);
    expect(truth.status).toBe(200);
    expect(job.status).toBe(200);
    expect(job.body.ok).toBe(true);
    expect(scores.body.scores).toHaveLength(1);
    expect(scores.body.scores[0].score[77]).toBeGreaterThan(0);
  });

  it('answers unknown paths and jobs like API Gateway would: 404', async () => {
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${server.url}/_dev/jobs/nojob`, { method: 'POST' })).status).toBe(404);
  });

  it('shuts down on SIGTERM and keeps the data for the next start', async () => {
    // Act
    const code = await stop(server);
    server = await startServer({ DATA_DIR: dataDir });
    const miners = await json(await fetch(`${server.url}/miners`));
    // Assess
    expect(code).toBe(0);
    expect(server.output()).toContain('up to date');
    expect(miners.body.miners.map((m: { hotkey: string }) => m.hotkey)).toEqual([hotkey]);
  });
});

describe('local server on DATABASE_URL', () => {
  let tdb: TestDatabase;
  let server: Running;
  const dataDir = mkdtempSync(join(tmpdir(), 'gaia-dev-'));

  beforeAll(async () => {
    tdb = await createTestDatabase('dev_server');
    server = await startServer({ DATA_DIR: dataDir, DATABASE_URL: tdb.url, DB_APPLICATION_NAME: tdb.applicationName, ADMIN_TOKEN: 'dev-server-test-token-0123456789' });
  });
  afterAll(async () => {
    if (server?.child.exitCode === null) await stop(server);
    await tdb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates the database and serves the routes on it', async () => {
    // Act
    const res = await fetch(`${server.url}/miners`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dev-server-test-token-0123456789' },
      body: JSON.stringify({ miners: [{ uid: 1, hotkey: hotkeyFor(1) }] }),
    });
    // Assess
    expect(res.status).toBe(200);
    expect(server.output()).toContain('ADMIN_TOKEN environment variable');
    expect(await adminQuery('SELECT uid FROM miners', [], tdb.name)).toEqual([{ uid: 1 }]);
    expect(await stop(server)).toBe(0);
    expect(await tdb.connections()).toEqual([]);
  });
});
