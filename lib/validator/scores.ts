// Score rows: one per (task, target time), a 256-float vector indexed by uid (NaN = no score).
import { and, desc, eq, gte, sql, type SQL } from 'drizzle-orm';
import { scoreRows, TASK_NAMES, UID_COUNT, type ScoreRow, type TaskName } from './schema';
import { floats, toDate, valuesPlaceholders, type Executor, type Sql } from './sql';
import type { ListScoresOptions, ScoreRowInput } from './types';
import { checkBatch, checkDate, fail } from './validate';

/**
 * Rows per listing. A row is 256 scores: at most ~6.6 KB of JSON (24 characters per double), so 200 rows stay
 * under 1.4 MB whatever the values, far from Lambda's 6 MB response limit; older rows are read page by page
 * (`before`, the last row of the previous page).
 */
export const MAX_SCORES_LIMIT = 200;
/** Score rows per upsert statement (a day of geo hours plus soil times fits many times over). */
export const MAX_SCORE_ROWS_PER_CALL = 500;

/**
 * Newest target times first (ties by id, newest first). `since` bounds task_time (inclusive); `before` starts
 * after a row of an earlier page (keyset pagination: stable while rows are added).
 */
export async function listScores(session: Executor, options: ListScoresOptions): Promise<ScoreRow[]> {
  const { task, since, limit, before } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SCORES_LIMIT) fail(`limit must be an integer in 1..${MAX_SCORES_LIMIT}`);
  if (task !== undefined && !TASK_NAMES.includes(task)) fail(`task must be one of ${TASK_NAMES.join(', ')}`);
  if (since !== undefined) checkDate('since', since);
  if (before !== undefined) {
    checkDate('before.taskTime', before.taskTime);
    if (!Number.isSafeInteger(before.id)) fail('before.id must be an integer');
  }
  const where: SQL[] = [];
  if (task !== undefined) where.push(eq(scoreRows.taskName, task));
  if (since !== undefined) where.push(gte(scoreRows.taskTime, since));
  if (before !== undefined) where.push(sql`(${scoreRows.taskTime}, ${scoreRows.id}) < (${before.taskTime}, ${before.id})`);
  return session.db
    .select()
    .from(scoreRows)
    .where(and(...where))
    .orderBy(desc(scoreRows.taskTime), desc(scoreRows.id))
    .limit(limit);
}

/**
 * Upserts score rows in one statement on UNIQUE (task_name, task_id); created_at stays from the first write
 * (the weights' age of the row). Returns the number of rows written.
 */
export async function upsertScoreRows(tx: Sql, rows: readonly ScoreRowInput[]): Promise<number> {
  checkBatch('score rows', rows, MAX_SCORE_ROWS_PER_CALL);
  rows.forEach((r, i) => {
    if (!TASK_NAMES.includes(r.taskName)) fail(`scoreRows[${i}].taskName must be one of ${TASK_NAMES.join(', ')}`);
    checkDate(`scoreRows[${i}].taskTime`, r.taskTime);
    if (r.taskTime.getTime() % 1000 !== 0) fail(`scoreRows[${i}].taskTime must be whole seconds (task_id is epoch seconds)`);
    if (r.score.length !== UID_COUNT) fail(`scoreRows[${i}].score must have ${UID_COUNT} entries`);
    if (r.createdAt !== undefined) checkDate(`scoreRows[${i}].createdAt`, r.createdAt);
  });
  if (rows.length === 0) return 0;
  const params: unknown[] = [];
  for (const r of rows) {
    params.push(r.taskName, r.taskTime.getTime() / 1000, r.taskTime, floats(r.score), r.status ?? 'completed', r.createdAt ?? null);
  }
  const res = await tx.query(
    `INSERT INTO score_rows (task_name, task_id, task_time, score, status, created_at)
     SELECT task_name, task_id, task_time, score, status, COALESCE(created_at, now())
     FROM (VALUES ${valuesPlaceholders(rows.length, ['text', 'bigint', 'timestamptz', 'float8[]', 'text', 'timestamptz'])})
       AS v(task_name, task_id, task_time, score, status, created_at)
     ON CONFLICT (task_name, task_id) DO UPDATE SET
       task_time = excluded.task_time, score = excluded.score, status = excluded.status`,
    params,
  );
  return res.rowCount ?? rows.length;
}

/**
 * Serializes the writers of these score rows until the transaction ends (advisory locks, in a fixed order so
 * two writers cannot deadlock). A step takes them before recomputing a row from history, so a concurrent
 * chunk's committed history is seen and no row is overwritten with a partial mean.
 */
export async function lockScoreRows(tx: Sql, taskName: TaskName, taskTimes: readonly Date[]): Promise<void> {
  // Key: (task, epoch seconds folded into int4); a collision only makes two writers wait for each other.
  const keys = [...new Set(taskTimes.map((t) => Math.floor(t.getTime() / 1000) % 2_147_483_647))].sort((a, b) => a - b);
  if (keys.length === 0) return;
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1), k) FROM unnest($2::int[]) WITH ORDINALITY AS u(k, n) ORDER BY n', [taskName, keys]);
}

export type ScoreSample = { taskName: TaskName; taskTime: Date; createdAt: Date; score: number[] };

/** Score rows of every task created in [since, until]: the inputs of the weights. */
export async function scoreSamples(q: Sql, window: { since: Date; until: Date }): Promise<ScoreSample[]> {
  const res = await q.query<{ task_name: TaskName; task_time: unknown; created_at: unknown; score: number[] }>(
    'SELECT task_name, task_time, created_at, score FROM score_rows WHERE created_at >= $1 AND created_at <= $2',
    [window.since, window.until],
  );
  return res.rows.map((r) => ({ taskName: r.task_name, taskTime: toDate(r.task_time), createdAt: toDate(r.created_at), score: r.score }));
}
