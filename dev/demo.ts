// `npm run demo`: the validator end to end, the way miners reach it, on an embedded PostgreSQL (PGlite, in memory)
// or on DATABASE_URL when set. 256 miners (dev keyring) are registered; the next soil target time is published
// as 5 regions; every miner that answers signs (Epistula v2) its soil predictions and its Dst prediction for the
// next hour and sends them through the same handlers Lambda runs, inside their submission windows. A few hostile
// requests are refused on the way. Then the ground truth arrives and every step runs as if the soil truth's 3 days
// had passed; the score rows and the weight vector are printed.
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Before any handler module loads: each reads its settings (and the log level) from the environment at load.
process.env.ADMIN_TOKEN = randomBytes(24).toString('base64url');
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.DB_TRANSACTION_TIMEOUT_MS ??= '60000';
process.env.DB_SESSION_TIMEOUT_MS ??= '600000';

const { closeSharedDatabase, sharedDatabase } = await import('../lib/api');
const { routeKeyOf, routes } = await import('../lib/app/functions');
const { migrate } = await import('../lib/db');
const { runCleanupStep, runGeoStep, runSoilStep, runWeightsStep } = await import('../lib/tasks');
const { latestWeights, listScores, nextGeoHour } = await import('../lib/validator');
const { handlerTransport, MinerClient } = await import('./miner/client');
const { devKeypair, devMiner } = await import('./miner/keys');
const { loadHandlers } = await import('./server/load-handlers');
type ScoreRow = import('../lib/validator').ScoreRow;
type Transport = import('./miner/client').Transport;

const validator = devKeypair('demo/validator');
process.env.VALIDATOR_HOTKEY = validator.address;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UIDS = 256;
const SMAP_TIMES = ['01:30', '07:30', '13:30', '19:30'];
const REGIONS = 5;

/** Deterministic randomness, so every run prints tables of the same shape. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20_240_601);
const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
const grid = (f: (i: number, j: number) => number) => Array.from({ length: 11 }, (_, i) => Array.from({ length: 11 }, (_, j) => f(i, j)));

/** Each miner's skill: the noise of its answers (soil moisture and Dst / 100). */
const soilNoise = (uid: number) => 0.01 + (0.25 * ((uid * 37) % UIDS)) / UIDS;
const geoNoise = (uid: number) => 0.05 + (1.5 * ((uid * 91) % UIDS)) / UIDS;
/** Some miners stay silent on a task. */
const answersSoil = (uid: number) => uid % 17 !== 0;
const answersGeo = (uid: number) => uid % 23 !== 0;

/** The next SMAP target time at least an hour away: its regions stay open while the miners answer. */
function nextSoilTime(now: Date): Date {
  for (let d = 0; d < 2; d++) {
    for (const hhmm of SMAP_TIMES) {
      const day = new Date(now.getTime() + d * DAY).toISOString().slice(0, 10);
      const t = new Date(`${day}T${hhmm}:00Z`);
      if (t.getTime() > now.getTime() + HOUR) return t;
    }
  }
  throw new Error('no SMAP time in the next two days');
}

async function admin(send: Transport, path: string, json: unknown, method = 'POST') {
  const res = await send({ method, path, headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.ADMIN_TOKEN}` }, body: Buffer.from(JSON.stringify(json)) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** The hour geo predictions are accepted for, with at least a minute left (else the next one, once it opens). */
async function openHour(): Promise<Date> {
  const hour = nextGeoHour(new Date());
  const left = hour.getTime() - Date.now();
  if (left > 60_000) return hour;
  console.log(`  (the hour ${hour.toISOString()} closes in ${Math.ceil(left / 1000)} s: waiting for the next one to open)`);
  await new Promise((done) => setTimeout(done, left + 100));
  return nextGeoHour(new Date());
}

type Tally = { sent: number; stored: number; refused: Record<number, number> };
const tally = (): Tally => ({ sent: 0, stored: 0, refused: {} });
function count(t: Tally, status: number): void {
  t.sent++;
  if (status < 300) t.stored++;
  else t.refused[status] = (t.refused[status] ?? 0) + 1;
}

// ---- printing --------------------------------------------------------------------------------

const pad = (v: string | number, n: number) => String(v).padStart(n);
const fmt = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '   -  ');

function printScoreRows(rows: readonly ScoreRow[]): void {
  console.log('\nScore rows (one per task and target time)');
  console.log(`${'task'.padEnd(14)} ${'target time (UTC)'.padEnd(17)} ${pad('scored', 6)} ${pad('mean', 7)} ${pad('best', 7)} ${pad('uid', 4)}`);
  for (const r of [...rows].sort((a, b) => a.taskName.localeCompare(b.taskName) || a.taskTime.getTime() - b.taskTime.getTime())) {
    const finite = r.score.map((v, uid) => ({ v, uid })).filter((e) => Number.isFinite(e.v));
    const best = finite.reduce((b, e) => (e.v > b.v ? e : b), { v: -Infinity, uid: -1 });
    const mean = finite.reduce((a, e) => a + e.v, 0) / Math.max(1, finite.length);
    console.log(`${r.taskName.padEnd(14)} ${r.taskTime.toISOString().slice(0, 16).replace('T', ' ').padEnd(17)} ${pad(finite.length, 6)} ${pad(fmt(mean), 7)} ${pad(fmt(best.v), 7)} ${pad(best.uid, 4)}`);
  }
}

function printWeights(weights: readonly number[], rows: readonly ScoreRow[]): void {
  const meanOf = (task: string, uid: number) => {
    const vals = rows.filter((r) => r.taskName === task).map((r) => r.score[uid] ?? Number.NaN).filter(Number.isFinite);
    return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : Number.NaN;
  };
  const ranked = weights.map((w, uid) => ({ w, uid })).sort((a, b) => b.w - a.w);
  console.log('\nWeight vector: top 20');
  console.log(`${pad('rank', 4)} ${pad('uid', 4)} ${'hotkey'.padEnd(12)} ${pad('weight', 8)} ${pad('soil', 7)} ${pad('geo', 7)}`);
  ranked.slice(0, 20).forEach(({ w, uid }, i) => {
    console.log(`${pad(i + 1, 4)} ${pad(uid, 4)} ${`${devMiner(uid).address.slice(0, 9)}…`.padEnd(12)} ${pad(fmt(w, 5), 8)} ${pad(fmt(meanOf('soil_moisture', uid)), 7)} ${pad(fmt(meanOf('geomagnetic', uid)), 7)}`);
  });
  const positive = weights.filter((w) => w > 0);
  const sum = weights.reduce((a, b) => a + b, 0);
  console.log(
    `\nSummary: ${positive.length} of ${weights.length} uids weighted, sum ${sum.toFixed(6)}, ` +
      `max ${fmt(Math.max(...positive), 5)}, min > 0 ${fmt(Math.min(...positive), 5)}, ` +
      `top 20 hold ${(100 * ranked.slice(0, 20).reduce((a, e) => a + e.w, 0)).toFixed(1)}%`,
  );
}

// ---- main ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const db = sharedDatabase();
  console.log(`database: ${db.driverName}${process.env.DATABASE_URL ? ' (DATABASE_URL)' : ' (embedded, in memory)'}`);
  try {
    await db.session((s) => s.query('SELECT 1')); // PGlite's start-up, outside the migration's time limit
    const migrated = await migrate(db, { migrationsFolder: resolve(root, 'drizzle'), timeoutMs: 60_000 });
    console.log(`migrations applied: ${migrated.applied.map((m) => m.tag).join(', ') || 'none (up to date)'}`);
    console.log(`validator hotkey (miners sign for it): ${validator.address}`);

    const { loaded } = await loadHandlers<(typeof routes)[number], Parameters<typeof handlerTransport>[0][string]>(root, routes);
    const send = handlerTransport(Object.fromEntries(loaded.map((l) => [routeKeyOf(l.spec), l.handler])));

    // 1. The metagraph and the regions (admin routes, bearer token).
    await admin(send, '/miners', { miners: Array.from({ length: UIDS }, (_, uid) => ({ uid, hotkey: devMiner(uid).address, stake: 1000 + uid, trust: 0.5 })) }, 'PUT');
    const target = nextSoilTime(new Date());
    const { regions } = (await admin(send, '/soil/regions', {
      regions: Array.from({ length: REGIONS }, (_, r) => {
        const lon = -120 + 40 * rand();
        const lat = 25 + 20 * rand();
        return {
          regionDate: target.toISOString().slice(0, 10),
          targetTime: target.toISOString(),
          bbox: [lon, lat, lon + 1, lat + 1],
          sentinelBounds: [500_000 + r, 3_000_000, 610_000 + r, 3_110_000],
          sentinelCrs: 32611,
          status: 'sent_to_miners',
        };
      }),
    })) as { regions: { id: number; sentinelBounds: number[]; sentinelCrs: number }[] };
    console.log(`registered ${UIDS} miners; ${regions.length} soil regions for ${target.toISOString()} (open until then)`);

    // 2. The miners answer, each request signed by its hotkey.
    const truths = regions.map(() => {
      const base = 0.15 + 0.2 * rand();
      return {
        base,
        surface: grid((i, j) => ((i * 11 + j) % 29 === 0 ? Number.NaN : base + 0.02 * Math.sin(i / 2) + (0.01 * j) / 10)),
        rootzone: grid((i, j) => base + 0.05 + 0.01 * Math.cos(j / 3) + (0.005 * i) / 10),
      };
    });
    const hour = await openHour();
    const rawDst = -25 + 30 * Math.sin(hour.getUTCHours() / 4) + 5 * gauss();
    const soil = tally();
    const geo = tally();
    const started = performance.now();
    for (let uid = 0; uid < UIDS; uid++) {
      const client = new MinerClient(devMiner(uid), validator.address, send);
      if (answersSoil(uid)) {
        for (const [i, region] of regions.entries()) {
          const t = truths[i]!;
          const noisy = (g: number[][]) => g.map((row) => row.map((v) => (Number.isNaN(v) ? t.base : v) + soilNoise(uid) * gauss()));
          const res = await client.submitSoil({ regionId: region.id, surfaceSm: noisy(t.surface), rootzoneSm: noisy(t.rootzone), sentinelBounds: region.sentinelBounds, sentinelCrs: region.sentinelCrs });
          count(soil, res.status);
        }
      }
      if (answersGeo(uid)) count(geo, (await client.submitGeo({ queryTime: hour, value: rawDst / 100 + geoNoise(uid) * gauss() })).status);
    }
    const ms = performance.now() - started;
    console.log(`signed submissions: soil ${soil.stored}/${soil.sent} stored, geo ${geo.stored}/${geo.sent} stored for ${hour.toISOString()} (${((ms * 1000) / (soil.sent + geo.sent)).toFixed(0)} us each, signing included)`);

    // 3. What a forger or a late miner gets (nothing written for any of them).
    const honest = new MinerClient(devMiner(1), validator.address, send);
    const uuid = crypto.randomUUID();
    await honest.submitGeo({ queryTime: hour, value: 0.1 }, { uuid });
    const attempts: [string, Promise<{ status: number; json: any }>][] = [
      ['the same request again (a replay)', honest.submitGeo({ queryTime: hour, value: 0.1 }, { uuid })],
      ['unsigned, naming uid 1 in the body', send({ method: 'POST', path: '/geo/predictions', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ hotkey: devMiner(1).address, queryTime: hour.toISOString(), value: 9 })) })],
      ["signed by a stranger, naming uid 1's hotkey", new MinerClient(devKeypair('demo/stranger'), validator.address, send).post('/geo/predictions', { hotkey: devMiner(1).address, queryTime: hour.toISOString(), value: 9 })],
      ['signed by a key that holds no slot', new MinerClient(devKeypair('demo/stranger'), validator.address, send).submitGeo({ queryTime: hour, value: 9 })],
      ['for an hour that has begun', honest.submitGeo({ queryTime: new Date(hour.getTime() - HOUR), value: 9 })],
      ['a stale signature (a minute old)', honest.submitGeo({ queryTime: hour, value: 9 }, { timestampMs: Date.now() - 60_000 })],
    ];
    console.log('\nRefused requests');
    for (const [what, res] of attempts) {
      const r = await res;
      console.log(`  ${pad(r.status, 3)} ${what.padEnd(46)} ${r.json?.error?.message ?? ''}`);
    }

    // 4. The truth, and the steps as if it had arrived on time.
    for (const [i, region] of regions.entries()) await admin(send, '/ground-truth/soil', { regionId: region.id, surfaceSm: truths[i]!.surface.map((row) => row.map((v) => (Number.isNaN(v) ? null : v))), rootzoneSm: truths[i]!.rootzone });
    await admin(send, '/ground-truth/geo', { rows: [{ hour: hour.toISOString(), dst: rawDst }] });
    const now = new Date(target.getTime() + 3 * DAY + HOUR);
    await db.session(
      async (s) => {
        console.log(`\nrunning the steps at ${now.toISOString()} (soil is due 3 days after its target time)`);
        const soilStep = await runSoilStep(s, { now });
        console.log(`  soil:    ${soilStep.scored} scored, ${soilStep.retried} retried, ${soilStep.discarded} discarded, ${soilStep.scoreRows} score-row writes, ${soilStep.chunks} chunks, ${soilStep.roundTrips} round trips`);
        const geoStep = await runGeoStep(s, { now });
        console.log(`  geo:     ${geoStep.scored} scored, ${geoStep.retried} retried, ${geoStep.scoreRows} score-row writes, ${geoStep.chunks} chunks, ${geoStep.roundTrips} round trips`);
        const weights = await runWeightsStep(s, { now });
        console.log(`  weights: ${weights.soilRows} soil + ${weights.geoRows} geo rows -> ${weights.weighted} uids weighted, ${weights.roundTrips} round trips`);
        const cleanup = await runCleanupStep(s, { now });
        console.log(`  cleanup: ${cleanup.totalDeleted} rows past retention deleted (request uuids included), ${cleanup.roundTrips} round trips`);
        const rows = await listScores(s, { limit: 200 });
        printScoreRows(rows);
        const latest = await latestWeights(s);
        if (latest) printWeights(latest.weights, rows);
      },
      { name: 'demo' },
    );
  } finally {
    await closeSharedDatabase();
  }
}

main().catch((err: unknown) => {
  console.error('demo failed:', err);
  process.exitCode = 1;
});
