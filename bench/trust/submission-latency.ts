// A signed geo submission (Epistula verification, then one statement: slot, closed hour, nonce and upsert) against
// the unsigned path it replaced (body hotkey trusted, slot read, 5-statement transaction), both through the local
// server's gateway (HTTP -> API Gateway event -> the handler) over PostgreSQL, interleaved in one run. Requests
// are signed before the timed loop: signing is the miner's cost, not the server's.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handler as signedGeoHandler } from '../../functions/api/geo-predictions';
import { closeSharedDatabase, routeSpecOf, sharedDatabase } from '../../lib/api';
import { migrate } from '../../lib/db';
import { syncMetagraph, nextGeoHour } from '../../lib/validator';
import { devKeypair, devMiner } from '../../dev/miner/keys';
import { epistulaHeaders } from '../../dev/miner/sign';
import { gateway } from '../../dev/server/gateway';
import { startCountingProxy } from '../../test/support/counting-proxy';
import { PG_HOST, PG_PORT, type TestDatabase } from '../../test/support/postgres';
import { figure, type Figure } from '../support/figures';
import { aaControl, controlFigure, medianFigure } from '../support/compare';
import { interleaved, scaled } from '../support/measure';
import { pinServerSide } from '../support/pinning';
import { summarize } from '../support/stats';
import type { SuiteContext } from '../support/suite';
import { UNSIGNED_PATH, unsignedGeoHandler, unsignedGeoRoute } from './unsigned-baseline';

type Request = { path: string; headers: Record<string, string>; body: string };

const validator = devKeypair('bench/validator');
const MINERS = 256;
/** The timed loop must end inside the hour it submits for (the window closes when the hour begins). */
const HOUR_MARGIN_MS = 180_000;

/** The settings the handlers read, for the duration of fn (restored after). */
async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

async function openHour(ctx: SuiteContext): Promise<Date> {
  const hour = nextGeoHour(new Date());
  const left = hour.getTime() - Date.now();
  if (left > HOUR_MARGIN_MS) return hour;
  ctx.log(`waiting ${Math.ceil(left / 1000)} s for the next geo hour to open`);
  await new Promise((done) => setTimeout(done, left + 100));
  return nextGeoHour(new Date());
}

/**
 * Signed requests for miners 0..127 and unsigned ones (body hotkey) for 128..255, each with a fresh uuid; and a
 * second unsigned list, sent by a client of its own: the A/A control.
 */
function requests(hour: Date, n: number): { signed: Request[]; unsigned: Request[]; unsignedB: Request[] } {
  const signed: Request[] = [];
  const unsigned: Request[] = [];
  const unsignedB: Request[] = [];
  for (let i = 0; i < n; i++) {
    const value = Math.round(Math.sin(i) * 1e4) / 1e4;
    const body = JSON.stringify({ queryTime: hour.toISOString(), value });
    const miner = devMiner(i % (MINERS / 2));
    signed.push({ path: '/geo/predictions', body, headers: { 'content-type': 'application/json', ...epistulaHeaders(miner, Buffer.from(body), { signedFor: validator.address }) } });
    const other = devMiner(MINERS / 2 + (i % (MINERS / 2)));
    const plain = { path: UNSIGNED_PATH, body: JSON.stringify({ hotkey: other.address, queryTime: hour.toISOString(), value }), headers: { 'content-type': 'application/json' } };
    unsigned.push(plain);
    unsignedB.push({ ...plain });
  }
  return { signed, unsigned, unsignedB };
}

/** The local server's gateway serving the signed route and the unsigned baseline. */
async function startServer(): Promise<{ url: string; close(): Promise<void> }> {
  const serve = gateway(
    [
      { spec: routeSpecOf('POST /geo/predictions'), handler: signedGeoHandler },
      { spec: unsignedGeoRoute, handler: unsignedGeoHandler },
    ],
    () => undefined,
  );
  const server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function sender(url: string, queue: Request[]) {
  let next = 0;
  return async () => {
    const r = queue[next++];
    if (!r) throw new Error('ran out of prepared requests');
    const res = await fetch(`${url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
    await res.arrayBuffer();
    if (res.status !== 200 && res.status !== 201) throw new Error(`${r.path}: ${res.status}`);
  };
}

export async function submissionFigures(tdb: TestDatabase, ctx: SuiteContext): Promise<Figure[]> {
  const iterations = scaled(2_000, ctx.scale, 100);
  const warmup = scaled(100, ctx.scale, 20);
  const tripsCalls = scaled(100, ctx.scale, 20);
  const env = {
    DATABASE_URL: tdb.url,
    DB_APPLICATION_NAME: tdb.applicationName,
    VALIDATOR_HOTKEY: validator.address,
    // Requests are signed before the loop; the widest tolerance keeps them fresh for its length.
    EPISTULA_TOLERANCE_MS: '300000',
  };
  return withEnv(env, async () => {
    const server = await startServer();
    try {
      await migrate(sharedDatabase(), { migrationsFolder: 'drizzle' });
      await sharedDatabase().session((s) => syncMetagraph(s, Array.from({ length: MINERS }, (_, uid) => ({ uid, hotkey: devMiner(uid).address }))));
      const hour = await openHour(ctx);
      ctx.log(`submissions: signing ${iterations + warmup + 2 * (tripsCalls + 5)} requests per variant`);
      const { signed, unsigned, unsignedB } = requests(hour, iterations + warmup + 2 * (tripsCalls + 5));
      ctx.log(`submissions: ${iterations} per variant, alternating per request, over ${server.url}`);
      const samples = await interleaved(
        [
          { name: 'unsigned', run: sender(server.url, unsigned) },
          { name: 'unsigned-b', run: sender(server.url, unsignedB) },
          { name: 'signed', run: sender(server.url, signed) },
        ],
        { iterations, warmup, prepare: () => pinServerSide(tdb.name) },
      );
      const s = summarize(samples.signed!.latencyUs);
      const u = summarize(samples.unsigned!.latencyUs);
      const control = aaControl(samples.unsigned!, samples['unsigned-b']!);

      // Round trips: the same requests with the handlers' database behind a counting proxy.
      await closeSharedDatabase();
      const proxy = await startCountingProxy({ host: PG_HOST, port: PG_PORT });
      process.env.DATABASE_URL = proxy.route(tdb.url);
      const rest = { signed: signed.slice(iterations + warmup), unsigned: unsigned.slice(iterations + warmup) };
      const trips = async (run: () => Promise<void>) => {
        for (let i = 0; i < 5; i++) await run(); // connections opened and warm
        const before = proxy.readyForQuery;
        for (let i = 0; i < tripsCalls; i++) await run();
        return (proxy.readyForQuery - before) / tripsCalls;
      };
      const signedTrips = await trips(sender(server.url, rest.signed));
      const unsignedTrips = await trips(sender(server.url, rest.unsigned));
      await closeSharedDatabase();
      await proxy.close();

      return [
        medianFigure({
          name: "signed geo submission vs today's unsigned path: median latency",
          value: samples.signed!,
          baseline: samples.unsigned!,
          control,
          goals: [{ on: 'ratio', op: '<=', limit: 1.5 }],
        }),
        controlFigure('unsigned geo submission', samples.unsigned!, samples['unsigned-b']!, control),
        figure({ name: "signed geo submission vs today's unsigned path: p95 latency", value: s.p95, baseline: u.p95, unit: 'us' }),
        figure({ name: 'signed geo submission: added median latency', value: s.median - u.median, unit: 'us' }),
        figure({ name: 'signed geo submission: CPU per request (server and client, one process)', value: samples.signed!.cpuUsPerCall, baseline: samples.unsigned!.cpuUsPerCall, unit: 'us' }),
        figure({ name: 'signed geo submission: database round trips (BEGIN, the statement, COMMIT)', value: signedTrips, baseline: unsignedTrips, unit: 'round trips', goals: [{ on: 'value', op: '==', limit: 3 }] }),
      ];
    } finally {
      await closeSharedDatabase();
      await server.close();
    }
  });
}
