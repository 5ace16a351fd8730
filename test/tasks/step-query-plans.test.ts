// Every statement the steps run reaches its rows through an index on realistically big tables (seeded and
// ANALYZEd; the planner is free to choose, no enable_seqscan tricks). The statements are captured by running
// the real repository functions through a Sql that EXPLAINs instead of executing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteExpiredBatch,
  geoHistoryScores,
  moveGeoPredictions,
  moveSoilPredictions,
  RETENTION_DAYS,
  RETENTION_TARGETS,
  scheduleGeoRetries,
  scoreSamples,
  selectDueGeoPredictions,
  selectDueSoilWork,
  soilHistoryScores,
  upsertScoreRows,
  type AnySession,
  type Sql,
} from '../../lib/validator';
import { DAY, HOUR, pgHarness, range, type Harness } from '../validator/fixtures';

const NOW = new Date('2025-06-01T00:00:00Z');
const GRID = 'array_fill(0.2::float8, ARRAY[121])';
const BIG_TABLES = ['soil_regions', 'soil_predictions', 'soil_truth', 'soil_history', 'geo_predictions', 'geo_history', 'geo_truth', 'score_rows', 'weights'];

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
type Captured = { text: string; plan: PlanNode };

/** A Sql that EXPLAINs each statement (nothing runs) and answers with one empty row. */
function explaining(s: AnySession, captured: Captured[]): Sql {
  return {
    async query<R>(text: string, params?: readonly unknown[]) {
      const res = await s.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
      captured.push({ text, plan: res.rows[0]!['QUERY PLAN'][0]!.Plan });
      return { rows: [{} as R], rowCount: 0 };
    },
  };
}

/** Plans of the statements `fn` sends (results it cannot map from an EXPLAIN are of no interest here). */
async function plansOf(h: Harness, fn: (q: Sql, s: AnySession) => Promise<unknown>): Promise<Captured[]> {
  const captured: Captured[] = [];
  await h.session((s) => fn(explaining(s, captured), s).catch(() => undefined));
  expect(captured.length).toBeGreaterThan(0);
  return captured;
}

/** How each big table is read in the plan (ModifyTable nodes name the written table, not a read). */
function scansOf(node: PlanNode, out: { relation: string; node: string; index?: string }[] = []) {
  if (node['Relation Name'] && BIG_TABLES.includes(node['Relation Name']) && node['Node Type'] !== 'ModifyTable') {
    out.push({ relation: node['Relation Name'], node: node['Node Type'], index: node['Index Name'] });
  }
  for (const child of node.Plans ?? []) scansOf(child, out);
  return out;
}

function expectIndexReads(captured: Captured[]): void {
  for (const { text, plan } of captured) {
    const scans = scansOf(plan);
    for (const scan of scans) {
      const context = `${scan.relation} in: ${text.replace(/\s+/g, ' ').slice(0, 160)}\nplan: ${JSON.stringify(plan)}`;
      expect(scan.node, context).toMatch(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/);
    }
  }
}

const ids = (s: AnySession, table: string, where = 'true') =>
  s.query<{ id: string }>(`SELECT id FROM ${table} WHERE ${where} ORDER BY id LIMIT 256`).then((r) => r.rows.map((x) => Number(x.id)));

let h: Harness;
beforeAll(async () => {
  h = await pgHarness('plans');
  await h.session((s) =>
    s.transaction(async (tx) => {
      const q = (text: string) => tx.query(text, text.includes('$1') ? [NOW] : []);
      // 2000 regions every 30 minutes from 3.5 days before NOW: the first 25 are due; 10 predictions each
      await q(`INSERT INTO soil_regions (region_date, target_time, closes_at, bbox, sentinel_bounds, sentinel_crs)
               SELECT '2025-05-28', t, t, '[0,0,1,1]', '{0,0,1,1}', 4326
               FROM generate_series(0, 1999) g, LATERAL (SELECT $1::timestamptz - interval '84 hours' + g * interval '30 minutes' AS t) x`);
      await q(`INSERT INTO soil_predictions (region_id, miner_uid, miner_hotkey, target_time, surface_sm, rootzone_sm, sentinel_bounds, sentinel_crs, created_at)
               SELECT r.id, u, 'hk' || u, r.target_time, ${GRID}, ${GRID}, '{0,0,1,1}', 4326, $1::timestamptz - (r.id % 200) * interval '1 hour'
               FROM soil_regions r, generate_series(0, 9) u`);
      // 500 scheduled retries, 50 of them due
      await q(`UPDATE soil_predictions SET status = 'retry_scheduled', retry_count = 1, next_retry_time = $1::timestamptz + (id % 500 - 50) * interval '1 minute'
               WHERE id IN (SELECT id FROM soil_predictions WHERE target_time > $1::timestamptz - interval '3 days' ORDER BY id DESC LIMIT 500)`);
      await q(`INSERT INTO soil_truth (region_id, surface_sm, rootzone_sm) SELECT id, ${GRID}, ${GRID} FROM soil_regions`);
      // 20000 history rows over 500 target times; 1% past retention
      await q(`INSERT INTO soil_history (region_id, miner_uid, miner_hotkey, target_time, surface_sm_pred, rootzone_sm_pred, surface_sm_truth, rootzone_sm_truth, surface_rmse, rootzone_rmse, score, scored_at)
               SELECT g, 0, 'hk', $1::timestamptz - interval '30 days' + (g % 500) * interval '1 hour', ${GRID}, ${GRID}, ${GRID}, ${GRID}, 0.1, 0.1, 0.5,
                      CASE WHEN g < 200 THEN $1::timestamptz - interval '40 days' ELSE $1::timestamptz - (g % 600) * interval '1 hour' END
               FROM generate_series(0, 19999) g`);
      // 50000 geo predictions over ~195 hours from 2 hours before NOW (two hours are over); the first 1% stale
      await q(`INSERT INTO geo_predictions (miner_uid, miner_hotkey, query_time, predicted_value, created_at)
               SELECT g % 256, 'hk', $1::timestamptz - interval '2 hours' + (g / 256) * interval '1 hour', 0,
                      CASE WHEN g < 500 THEN $1::timestamptz - interval '20 days' ELSE $1::timestamptz END
               FROM generate_series(0, 49999) g`);
      await q(`INSERT INTO geo_history (miner_uid, miner_hotkey, query_time, predicted_value, ground_truth_value, score, scored_at)
               SELECT g % 256, 'hk', $1::timestamptz - (g / 256) * interval '1 hour', 0, 0, 1,
                      CASE WHEN g < 500 THEN $1::timestamptz - interval '40 days' ELSE $1::timestamptz - (g / 256) * interval '1 hour' END
               FROM generate_series(0, 49999) g`);
      // 20000 truth hours from 30 days and 10 hours before NOW: 10 past retention
      await q(`INSERT INTO geo_truth (hour, dst) SELECT $1::timestamptz - interval '30 days 10 hours' + g * interval '1 hour', 0 FROM generate_series(0, 19999) g`);
      // 20000 score rows created over ~28 days (weights read 3 of them); 1% past retention
      await q(`INSERT INTO score_rows (task_name, task_id, task_time, score, created_at)
               SELECT CASE WHEN g % 7 = 0 THEN 'soil_moisture' ELSE 'geomagnetic' END, g, to_timestamp(g), array_fill(0::float8, ARRAY[256]),
                      CASE WHEN g < 200 THEN $1::timestamptz - interval '40 days' ELSE $1::timestamptz - g * interval '2 minutes' END
               FROM generate_series(0, 19999) g`);
      await q(`INSERT INTO weights (computed_at, window_start, window_end, weights, inputs)
               SELECT $1::timestamptz - g * interval '1 minute' - CASE WHEN g < 50 THEN interval '40 days' ELSE interval '0' END,
                      $1::timestamptz - interval '50 days', $1::timestamptz, array_fill(0::float8, ARRAY[256]), '{}' FROM generate_series(0, 4999) g`);
    }),
  );
  await h.session((s) => s.query('ANALYZE'));
});
afterAll(async () => {
  await h.close();
});

describe('query plans of the steps on big tables', () => {
  it('soil step: due selection with truth, move to history with retries, history by target time, score row upsert', async () => {
    const due = await h.session((s) => ids(s, 'soil_predictions'));
    const [scoredIds, retryIds] = [due.slice(0, 128), due.slice(128)];
    const times = range(4).map((i) => new Date(NOW.getTime() - 30 * DAY + i * HOUR));
    const captured = await plansOf(h, async (q) => {
      // The EXPLAIN's placeholder row has no grids to decode: only the plan is of interest.
      await selectDueSoilWork(q, { firstDueBefore: new Date(NOW.getTime() - 3 * DAY), now: NOW, limit: 256 }).catch(() => undefined);
      await moveSoilPredictions(q, {
        scored: scoredIds.map((id, i) => ({ id, regionId: 1 + (i % 5), surfaceRmse: 0.1, rootzoneRmse: 0.1, score: 0.5 })),
        deleteIds: scoredIds,
        retries: retryIds.map((id) => ({ id, retryCount: 1, nextRetryTime: NOW, errorMessage: 'truth_missing' })),
        scoredAt: NOW,
      });
      await soilHistoryScores(q, times, { firstDueBefore: new Date(NOW.getTime() - 3 * DAY), now: NOW });
      await upsertScoreRows(q, times.map((t) => ({ taskName: 'soil_moisture', taskTime: t, score: Array(256).fill(0.5) })));
    });
    expect(captured).toHaveLength(4);
    expectIndexReads(captured);
    // The due selection uses both partial indexes of the due rule
    const dueIndexes = scansOfIndexes(captured[0]!.plan);
    expect(dueIndexes).toEqual(expect.arrayContaining(['soil_predictions_first_due_idx', 'soil_predictions_retry_due_idx']));
  });

  it('geo step: due selection with truth, move to history, retries, history by hour', async () => {
    const due = await h.session((s) => ids(s, 'geo_predictions'));
    const hours = range(2).map((i) => new Date(NOW.getTime() - (i + 1) * HOUR));
    const captured = await plansOf(h, async (q) => {
      await selectDueGeoPredictions(q, { hourOverBefore: new Date(NOW.getTime() - HOUR), now: NOW, limit: 256 });
      await moveGeoPredictions(q, { scored: due.map((id) => ({ id, truth: 0, score: 1 })), deleteIds: due, scoredAt: NOW });
      await scheduleGeoRetries(q, due.map((id) => ({ id, retryCount: 1, nextRetryTime: NOW })));
      await geoHistoryScores(q, hours);
    });
    expect(captured).toHaveLength(4);
    expectIndexReads(captured);
    expect(scansOfIndexes(captured[0]!.plan)).toContain('geo_predictions_query_time_idx');
  });

  it('weights step: score rows of the lookback window', async () => {
    const captured = await plansOf(h, (q) => scoreSamples(q, { since: new Date(NOW.getTime() - 3 * DAY), until: NOW }));
    expectIndexReads(captured);
    expect(scansOfIndexes(captured[0]!.plan)).toContain('score_rows_created_idx');
  });

  it('cleanup step: every retention batch', async () => {
    const captured = await plansOf(h, async (q) => {
      for (const target of RETENTION_TARGETS) {
        await deleteExpiredBatch(q, target, new Date(NOW.getTime() - RETENTION_DAYS[target.retention] * DAY), 1000);
      }
    });
    expect(captured).toHaveLength(RETENTION_TARGETS.length);
    expectIndexReads(captured);
  });
});

function scansOfIndexes(node: PlanNode, out: string[] = []): string[] {
  if (node['Index Name']) out.push(node['Index Name']);
  for (const child of node.Plans ?? []) scansOfIndexes(child, out);
  return out;
}
