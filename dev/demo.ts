// `npm run demo`: the whole scoring pipeline on an embedded PostgreSQL (PGlite, in memory) or on
// DATABASE_URL when set. Migrates, seeds a metagraph of 256 miners, a day of soil regions (4 target times x
// 5 regions) answered by every miner, 24 hours of geo predictions, and the ground truth of both; then runs
// every step as if 4 days had passed, and prints the score rows and the weight vector.
import { fileURLToPath } from 'node:url';
import { migrate, type DbLogger } from '../lib/db';
import { runCleanupStep, runGeoStep, runSoilStep, runWeightsStep } from '../lib/tasks';
import {
  createRegions,
  createValidatorDatabase,
  latestWeights,
  listScores,
  storeGeoTruth,
  storeSoilTruth,
  submitGeoPredictions,
  submitSoilPredictions,
  syncMetagraph,
  type AnySession,
  type ScoreRow,
} from '../lib/validator';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UIDS = 256;
const SMAP_TIMES = ['01:30', '07:30', '13:30', '19:30'];
const REGIONS_PER_TIME = 5;

/** Deterministic randomness, so every run prints the same tables. */
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

const hotkeyOf = (uid: number) => `5Demo${String(uid).padStart(3, '0')}${'x'.repeat(40)}`;
/** Each miner's skill: the noise of its answers (soil moisture and Dst / 100). */
const soilNoise = (uid: number) => 0.01 + 0.25 * ((uid * 37) % UIDS) / UIDS;
const geoNoise = (uid: number) => 0.05 + 1.5 * ((uid * 91) % UIDS) / UIDS;
/** Some miners stay silent on a task. */
const answersSoil = (uid: number) => uid % 17 !== 0;
const answersGeo = (uid: number) => uid % 23 !== 0;

async function seed(s: AnySession, day: Date): Promise<void> {
  await syncMetagraph(
    s,
    Array.from({ length: UIDS }, (_, uid) => ({ uid, hotkey: hotkeyOf(uid), coldkey: `cold${uid}`, stake: 1000 + uid, trust: 0.5 })),
  );

  const regions = await createRegions(
    s,
    SMAP_TIMES.flatMap((hhmm) =>
      Array.from({ length: REGIONS_PER_TIME }, (_, r) => {
        const lon = -120 + 40 * rand();
        const lat = 25 + 20 * rand();
        return {
          regionDate: day.toISOString().slice(0, 10),
          targetTime: new Date(`${day.toISOString().slice(0, 10)}T${hhmm}:00Z`),
          bbox: [lon, lat, lon + 1, lat + 1] as [number, number, number, number],
          sentinelBounds: [500_000 + r, 3_000_000, 610_000 + r, 3_110_000],
          sentinelCrs: 32611,
          status: 'sent_to_miners' as const,
        };
      }),
    ),
  );

  for (const region of regions) {
    // Smooth truth field with a couple of missing pixels (NaN), as SMAP has.
    const base = 0.15 + 0.2 * rand();
    const surface = grid((i, j) => ((i * 11 + j) % 29 === 0 ? Number.NaN : base + 0.02 * Math.sin(i / 2) + 0.01 * j / 10));
    const rootzone = grid((i, j) => base + 0.05 + 0.01 * Math.cos(j / 3) + 0.005 * i / 10);
    const predictions = [];
    for (let uid = 0; uid < UIDS; uid++) {
      if (!answersSoil(uid)) continue;
      const noise = soilNoise(uid);
      const noisy = (g: number[][]) => g.map((row) => row.map((v) => (Number.isNaN(v) ? base : v) + noise * gauss()));
      predictions.push({
        regionId: region.id,
        uid,
        hotkey: hotkeyOf(uid),
        surfaceSm: noisy(surface),
        rootzoneSm: noisy(rootzone),
        sentinelBounds: region.sentinelBounds,
        sentinelCrs: region.sentinelCrs,
      });
    }
    await submitSoilPredictions(s, predictions);
    await storeSoilTruth(s, region.id, { surface, rootzone });
  }

  const truthRows = [];
  for (let h = 0; h < 24; h++) {
    const hour = new Date(day.getTime() + h * HOUR);
    const rawDst = -25 + 30 * Math.sin(h / 4) + 5 * gauss();
    const predictions = [];
    for (let uid = 0; uid < UIDS; uid++) {
      if (answersGeo(uid)) predictions.push({ uid, hotkey: hotkeyOf(uid), queryTime: hour, value: rawDst / 100 + geoNoise(uid) * gauss() });
    }
    await submitGeoPredictions(s, predictions);
    truthRows.push({ hour, dst: rawDst });
  }
  await storeGeoTruth(s, truthRows);
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
    console.log(`${pad(i + 1, 4)} ${pad(uid, 4)} ${`${hotkeyOf(uid).slice(0, 9)}…`.padEnd(12)} ${pad(fmt(w, 5), 8)} ${pad(fmt(meanOf('soil_moisture', uid)), 7)} ${pad(fmt(meanOf('geomagnetic', uid)), 7)}`);
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

// Errors only: PGlite (single-threaded WASM) would flag the seeding inserts as slow statements.
const quiet: DbLogger = { debug() {}, info() {}, warn() {}, error: (m, f) => console.error(m, f ?? '') };

async function main(): Promise<void> {
  const db = createValidatorDatabase({ logger: quiet, transactionTimeoutMs: 60_000, sessionTimeoutMs: 600_000 });
  console.log(`database: ${db.driverName}${process.env.DATABASE_URL ? ' (DATABASE_URL)' : ' (embedded, in memory)'}`);
  try {
    const migrated = await migrate(db, { migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)) });
    console.log(`migrations applied: ${migrated.applied.map((m) => m.tag).join(', ') || 'none (up to date)'}`);

    // A day far enough back that "4 days later" is still in the past.
    const day = new Date(Math.floor((Date.now() - 10 * DAY) / DAY) * DAY);
    const now = new Date(day.getTime() + 4 * DAY);
    await db.session(async (s) => {
      console.log(`seeding ${day.toISOString().slice(0, 10)}: 256 miners, ${SMAP_TIMES.length * REGIONS_PER_TIME} regions, 24 geo hours ...`);
      await seed(s, day);
      console.log(`running the steps at ${now.toISOString()} (soil is due 3 days after its target time)`);
      const soil = await runSoilStep(s, { now });
      console.log(`  soil:    ${soil.scored} scored, ${soil.retried} retried, ${soil.discarded} discarded, ${soil.scoreRows} score-row writes, ${soil.chunks} chunks, ${soil.roundTrips} round trips`);
      const geo = await runGeoStep(s, { now });
      console.log(`  geo:     ${geo.scored} scored, ${geo.retried} retried, ${geo.scoreRows} score-row writes, ${geo.chunks} chunks, ${geo.roundTrips} round trips`);
      const weights = await runWeightsStep(s, { now });
      console.log(`  weights: ${weights.soilRows} soil + ${weights.geoRows} geo rows -> ${weights.weighted} uids weighted, ${weights.roundTrips} round trips`);
      const cleanup = await runCleanupStep(s, { now });
      console.log(`  cleanup: ${cleanup.totalDeleted} rows past retention deleted, ${cleanup.roundTrips} round trips`);

      const rows = await listScores(s, { limit: 1000 });
      printScoreRows(rows);
      const latest = await latestWeights(s);
      if (latest) printWeights(latest.weights, rows);
    }, { name: 'demo' });
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error('demo failed:', err);
  process.exitCode = 1;
});
