// The local server as `npm start` runs it (a child process): real HTTP in, the same handlers, PGlite in a data
// folder (or DATABASE_URL), migrations on start, jobs on demand (with the admin token), graceful shutdown, data
// kept across restarts; a dev validator key miners sign for; only its own loopback Host served; the PGlite bridge
// behind a password; the data folder private.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTransport, MinerClient } from '../../dev/miner/client';
import { devMiner } from '../../dev/miner/keys';
import { keypairFor, openGeoHour } from '../support/api-fixtures';
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

/** Runs `tsx dev/miner/cli.ts <args>` and resolves with its stdout (rejects on a non-zero exit). */
function cli(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'dev/miner/cli.ts', ...args], { cwd: process.cwd(), env: { ...process.env, VALIDATOR_HOTKEY: '', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`miner exited with ${code}: ${out}${err}`))));
  });
}

async function stop(server: Running): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

const json = async (res: Response) => ({ status: res.status, headers: res.headers, body: (await res.json()) as any });

/** A raw HTTP request with a chosen Host header (fetch does not let a page, or us, set it). */
function withHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/miners`, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('local server on PGlite in a data folder', () => {
  const parent = mkdtempSync(join(tmpdir(), 'gaia-dev-'));
  const dataDir = join(parent, 'data'); // created by the server
  const miner = keypairFor(77);
  const hotkey = miner.address;
  let server: Running;
  let token: string;
  let validator: string;

  beforeAll(async () => {
    server = await startServer({ DATA_DIR: dataDir });
    token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    validator = readFileSync(join(dataDir, 'validator-hotkey'), 'utf8').trim();
  });
  afterAll(async () => {
    if (server?.child.exitCode === null) await stop(server);
    rmSync(parent, { recursive: true, force: true });
  });

  it('prints the URL, the routes, the validator hotkey and where the admin token comes from, but not the token', () => {
    const out = server.output();
    expect(out).toContain('PUT /miners');
    expect(out).toContain('POST /geo/predictions');
    expect(out).toContain(join(dataDir, 'admin-token'));
    expect(out).toContain(`validator hotkey (miners sign for it): ${validator}`);
    expect(out).not.toContain(token);
    expect(out).not.toContain(readFileSync(join(dataDir, 'validator-key'), 'utf8').trim());
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'validator-key')).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('serves only its own loopback Host: a rebound name (a browser page on another site) is refused', async () => {
    const port = new URL(server.url).port;
    expect(await withHost(server.url, `127.0.0.1:${port}`)).toBe(200);
    expect(await withHost(server.url, `localhost:${port}`)).toBe(200);
    expect(await withHost(server.url, `evil.example:${port}`)).toBe(403);
    expect(await withHost(server.url, `127.0.0.1:${Number(port) + 1}`)).toBe(403);
  });

  it('the PGlite bridge refuses a connection without its password', async () => {
    const port = Number(/served to the handlers on 127\.0\.0\.1:(\d+)/.exec(server.output())?.[1]);
    expect(port).toBeGreaterThan(0);
    for (const password of [undefined, 'guess']) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', password, connectionTimeoutMillis: 5_000 });
      client.on('error', () => undefined);
      const err = await client.connect().then(() => undefined, (e: unknown) => e as { code?: string; message?: string });
      await client.end().catch(() => undefined);
      expect(err?.code ?? err?.message).toMatch(/28P01|password/);
    }
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

  it('a signed POST /geo/predictions for the open hour is stored (the miner client, over HTTP); a replay is 409', async () => {
    // Prepare
    const client = new MinerClient(miner, validator, httpTransport(server.url));
    const hour = await openGeoHour();
    // Act
    const uuid = crypto.randomUUID();
    const prediction = await client.submitGeo({ queryTime: hour, value: -0.25 }, { uuid });
    const replay = await client.submitGeo({ queryTime: hour, value: -0.25 }, { uuid });
    const unsigned = await json(await fetch(`${server.url}/geo/predictions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hotkey, queryTime: hour.toISOString(), value: 1 }) }));
    // Assess
    expect(prediction.status).toBe(201);
    expect(replay.status).toBe(409);
    expect(unsigned.status).toBe(401);
  });

  it('`npm run miner -- submit geo` signs for the hotkey the server keeps in its data folder', async () => {
    // Prepare: register dev miner uid 5 (the key `npm run miner -- address --uid 5` prints)
    const address = await cli(['address', '--uid', '5'], {});
    const put = await fetch(`${server.url}/miners`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ miners: [{ uid: 77, hotkey }, { uid: 5, hotkey: address.trim() }] }),
    });
    expect(put.status).toBe(200);
    // Act
    const out = await cli(['submit', 'geo', '--uid', '5', '--value', '0.5'], { DATA_DIR: dataDir, MINER_URL: server.url });
    // Assess
    expect(out).toMatch(/^201 \{"id":\d+,"replaced":false\}/);
  });

  it('POST /_dev/jobs/<name> needs the admin token, then runs the job', async () => {
    const run = (auth?: string) => fetch(`${server.url}/_dev/jobs/geo`, { method: 'POST', headers: auth ? { authorization: `Bearer ${auth}` } : {} });
    const anonymous = await run();
    const wrong = await run('not-the-admin-token-0123456789');
    const job = await json(await run(token));
    expect(anonymous.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(job.status).toBe(200);
    expect(job.body.ok).toBe(true);
  });

  it('answers unknown paths and jobs like API Gateway would: 404', async () => {
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${server.url}/_dev/jobs/nojob`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('shuts down on SIGTERM and keeps the data and the validator hotkey for the next start', async () => {
    // Act
    const code = await stop(server);
    server = await startServer({ DATA_DIR: dataDir });
    const miners = await json(await fetch(`${server.url}/miners`));
    // Assess
    expect(code).toBe(0);
    expect(server.output()).toContain('up to date');
    expect(server.output()).toContain(`validator hotkey (miners sign for it): ${validator}`);
    expect(miners.body.miners.map((m: { hotkey: string }) => m.hotkey)).toEqual([devMiner(5).address, hotkey]);
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
      body: JSON.stringify({ miners: [{ uid: 1, hotkey: keypairFor(1).address }] }),
    });
    // Assess
    expect(res.status).toBe(200);
    expect(server.output()).toContain('ADMIN_TOKEN environment variable');
    expect(await adminQuery('SELECT uid FROM miners', [], tdb.name)).toEqual([{ uid: 1 }]);
    expect(await stop(server)).toBe(0);
    expect(await tdb.connections()).toEqual([]);
  });
});
