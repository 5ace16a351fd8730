// 2,000 signed geo submissions (for the open hour), 32 in flight, through the real handler on PostgreSQL, while
// another connection terminates our backends at random every few milliseconds. Every acknowledged (2xx) submission is stored exactly once and the
// stored value is the last acknowledged one (or a later submission whose commit landed but whose answer was lost);
// every other answer is 503 with Retry-After; nothing is left idle in transaction.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, type HttpHandler } from '../support/apigw';
import { ADMIN, hotkeyFor, keypairFor, openGeoHour, TEST_VALIDATOR } from '../support/api-fixtures';
import { adminQuery, createTestDatabase, eventually, type TestDatabase } from '../support/postgres';

const MINERS = 250;
const PER_KEY = 8; // 250 miners x 1 open hour x 8 = 2,000 submissions
const IN_FLIGHT = 32;
const KILL_EVERY_MS = [2, 8] as const;

type Outcome = { key: number; seq: number; value: number; status: number; retryAfter: string | undefined };

let tdb: TestDatabase;
let submit: HttpHandler;
let close: () => Promise<void>;
let hour: string;

beforeAll(async () => {
  tdb = await createTestDatabase('api_concurrent');
  Object.assign(process.env, {
    DATABASE_URL: tdb.url,
    DB_APPLICATION_NAME: tdb.applicationName,
    ADMIN_TOKEN: ADMIN,
    VALIDATOR_HOTKEY: TEST_VALIDATOR.address,
    // One process stands in for many Lambda containers: a pool big enough that the queue is not the bottleneck.
    DB_POOL_MAX: '8',
  });
  const api = await import('../../lib/api');
  const { migrate } = await import('../../lib/db');
  await migrate(api.sharedDatabase(), { migrationsFolder: 'drizzle' });
  close = api.closeSharedDatabase;
  const sync = (await import('../../functions/api/miners-sync')).handler;
  const miners = Array.from({ length: MINERS }, (_, uid) => ({ uid, hotkey: hotkeyFor(uid) }));
  expect((await invoke(sync, 'PUT /miners', { json: { miners }, token: ADMIN })).status).toBe(200);
  submit = (await import('../../functions/api/geo-predictions')).handler;
  // The hour stays open for the whole run (it takes well under two minutes).
  hour = (await openGeoHour(120_000)).toISOString();
});

afterAll(async () => {
  await close?.();
  await tdb?.drop();
});

/** Terminates one of our backends at random every few ms until stopped; returns how many it terminated. */
function startTerminator(): { stop(): Promise<number> } {
  let running = true;
  const done = (async () => {
    const client = new pg.Client({ connectionString: tdb.url, application_name: 'test-terminator' });
    await client.connect();
    let terminated = 0;
    try {
      for (let i = 0; running && i < 1_000_000; i++) {
        const res = await client.query<{ t: boolean }>(
          `SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity
           WHERE datname = $1 AND application_name = $2 ORDER BY random() LIMIT 1`,
          [tdb.name, tdb.applicationName],
        );
        if (res.rows[0]?.t) terminated++;
        const [lo, hi] = KILL_EVERY_MS;
        await new Promise((r) => setTimeout(r, lo + Math.random() * (hi - lo)));
      }
    } finally {
      await client.end();
    }
    return terminated;
  })();
  return {
    stop: async () => {
      running = false;
      return done;
    },
  };
}

describe('concurrent submissions under backend terminations', () => {
  it('acknowledged means stored exactly once; everything else is 503 with Retry-After', async () => {
    // Prepare: each key (a miner's prediction for the hour) gets its submissions one after the other, so "last
    // acknowledged" is defined.
    const keys = Array.from({ length: MINERS }, (_, k) => k);
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        for (let seq = 0; seq < PER_KEY; seq++) {
          const value = key + seq / 10;
          const res = await invoke(submit, 'POST /geo/predictions', { json: { queryTime: hour, value }, signer: keypairFor(key) });
          outcomes.push({ key, seq, value, status: res.status, retryAfter: res.headers['retry-after'] });
        }
      }
    };

    // Act
    const terminator = startTerminator();
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const terminated = await terminator.stop();

    // Assess: every answer is an acknowledgement or a 503 with Retry-After.
    expect(outcomes).toHaveLength(MINERS * PER_KEY);
    const statuses = new Map<number, number>();
    for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    expect(Object.fromEntries([...statuses].filter(([s]) => s !== 200 && s !== 201 && s !== 503))).toEqual({});
    expect(outcomes.filter((o) => o.status === 503).every((o) => o.retryAfter !== undefined)).toBe(true);
    expect(terminated).toBeGreaterThan(0);

    // Assess: one row per key, holding the last acknowledged value or a later one whose answer was lost.
    const rows = await adminQuery<{ miner_uid: number; predicted_value: number }>(
      'SELECT miner_uid, predicted_value FROM geo_predictions',
      [],
      tdb.name,
    );
    const stored = new Map<number, number[]>();
    for (const r of rows) {
      const key = r.miner_uid;
      stored.set(key, [...(stored.get(key) ?? []), r.predicted_value]);
    }
    let lostAcks = 0;
    for (const key of keys) {
      const mine = outcomes.filter((o) => o.key === key).sort((x, y) => x.seq - y.seq);
      const acked = mine.filter((o) => o.status < 300);
      const last = acked.at(-1);
      const values = stored.get(key) ?? [];
      expect(values.length).toBeLessThanOrEqual(1);
      const laterUnacked = mine.filter((o) => o.status === 503 && (last === undefined || o.seq > last.seq)).map((o) => o.value);
      if (last) {
        expect(values).toHaveLength(1);
        expect([last.value, ...laterUnacked]).toContain(values[0]);
        if (values[0] !== last.value) lostAcks++;
      } else if (values.length === 1) {
        expect(laterUnacked).toContain(values[0]);
      }
    }

    // Assess: nothing of ours is left inside a transaction.
    const conns = await eventually(() => tdb.connections(), (cs) => cs.every((c) => c.state !== 'idle in transaction'), 5_000);
    expect(conns.filter((c) => c.state === 'idle in transaction')).toEqual([]);

    console.info(
      `concurrent submissions: ${JSON.stringify(Object.fromEntries(statuses))}, backends terminated: ${terminated}, ` +
        `keys stored: ${stored.size}/${keys.length}, answers lost after commit: ${lostAcks}`,
    );
  });
});
