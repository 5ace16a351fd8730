// Purge of what deregistered hotkeys left behind, driven by the miner_deregistrations outbox:
// predictions and history of (uid, old hotkey) are deleted and the uid's entry in past score rows set to 0,
// each batch its own short transaction. Idempotent: a purge killed half-way is finished by the next call.
import { toDate, toNumber, type AnySession, type Sql } from './sql';

export const PURGE_BATCH_MAX = 1000;
/** Outbox entries handled per pass (a full metagraph turnover fits in one). */
const OUTBOX_PAGE = 256;
/** Bounds every loop: enough for far more rows than retention keeps. */
const MAX_BATCHES_PER_TABLE = 10_000;

export type PurgeOptions = { batchSize?: number };

export type PurgeSummary = {
  deregistrations: number;
  soilPredictions: number;
  geoPredictions: number;
  soilHistory: number;
  geoHistory: number;
  scoreRowsZeroed: number;
  /** Transactions run (each one batch). */
  batches: number;
};

const MINER_TABLES = [
  ['soil_predictions', 'soilPredictions'],
  ['geo_predictions', 'geoPredictions'],
  ['soil_history', 'soilHistory'],
  ['geo_history', 'geoHistory'],
] as const;

/** Up to $3 rows of (uid, old hotkey) pairs, found through the index led by miner_uid each table has. */
const deleteBatchSql = (table: string) => `
DELETE FROM ${table} WHERE id = ANY(ARRAY(
  SELECT x.id FROM ${table} x
  JOIN unnest($1::int[], $2::text[]) AS d(uid, hotkey) ON x.miner_uid = d.uid AND x.miner_hotkey = d.hotkey
  LIMIT $3))`;

/**
 * One page of score rows (by id, after the cursor): entries of deregistered uids set to 0 in rows created
 * up to their deregistration (later rows hold the new hotkey's scores). Re-running it changes nothing.
 */
const ZERO_SCORES_SQL = `
WITH page AS (SELECT id FROM score_rows WHERE id > $1 ORDER BY id LIMIT $2),
dereg AS (SELECT * FROM unnest($3::int[], $4::timestamptz[]) AS d(uid, at)),
upd AS (
  UPDATE score_rows s SET score = ARRAY(
    SELECT CASE WHEN EXISTS (SELECT 1 FROM dereg d WHERE d.uid = e.i - 1 AND s.created_at <= d.at) THEN 0 ELSE e.v END
    FROM unnest(s.score) WITH ORDINALITY AS e(v, i) ORDER BY e.i)
  FROM page p
  WHERE s.id = p.id AND EXISTS (SELECT 1 FROM dereg d WHERE s.created_at <= d.at)
  RETURNING s.id)
SELECT (SELECT max(id) FROM page) AS last_id, (SELECT count(*) FROM upd)::int AS updated`;

export async function purgeDeregistrations(session: AnySession, options: PurgeOptions = {}): Promise<PurgeSummary> {
  const batch = Math.min(Math.max(1, Math.floor(options.batchSize ?? PURGE_BATCH_MAX)), PURGE_BATCH_MAX);
  const sum: PurgeSummary = { deregistrations: 0, soilPredictions: 0, geoPredictions: 0, soilHistory: 0, geoHistory: 0, scoreRowsZeroed: 0, batches: 0 };
  // Every batch is its own short transaction.
  const write = <T>(fn: (tx: Sql) => Promise<T>): Promise<T> => {
    sum.batches++;
    return session.transaction((tx) => fn(tx));
  };

  for (let page = 0; page < MAX_BATCHES_PER_TABLE; page++) {
    const pending = await session.query<{ id: unknown; uid: number; old_hotkey: string; deregistered_at: unknown }>(
      `SELECT id, uid, old_hotkey, deregistered_at FROM miner_deregistrations ORDER BY id LIMIT ${OUTBOX_PAGE}`,
    );
    if (pending.rows.length === 0) break;
    const uids = pending.rows.map((r) => r.uid);
    const hotkeys = pending.rows.map((r) => r.old_hotkey);
    const ats = pending.rows.map((r) => toDate(r.deregistered_at));

    for (const [table, key] of MINER_TABLES) {
      for (let i = 0; i < MAX_BATCHES_PER_TABLE; i++) {
        const n = (await write((tx) => tx.query(deleteBatchSql(table), [uids, hotkeys, batch]))).rowCount ?? 0;
        sum[key] += n;
        if (n < batch) break;
      }
    }

    let cursor = 0;
    for (let i = 0; i < MAX_BATCHES_PER_TABLE; i++) {
      const res = await write((tx) => tx.query<{ last_id: unknown; updated: number }>(ZERO_SCORES_SQL, [cursor, batch, uids, ats]));
      const row = res.rows[0];
      if (!row || row.last_id === null) break;
      sum.scoreRowsZeroed += row.updated;
      cursor = toNumber(row.last_id);
    }

    const ids = pending.rows.map((r) => toNumber(r.id));
    await write((tx) => tx.query('DELETE FROM miner_deregistrations WHERE id = ANY($1::bigint[])', [ids]));
    sum.deregistrations += ids.length;
    if (pending.rows.length < OUTBOX_PAGE) break;
  }
  return sum;
}
