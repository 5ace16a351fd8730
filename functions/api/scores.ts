// GET /scores?task=&since=&limit=&before=: score rows, newest target time first. A score cell without a score (NaN)
// is null. At most MAX_SCORES_LIMIT rows per page (a response stays far below Lambda's 6 MB whatever the values);
// `next` is the cursor of the following page (pass it as `before`), null on the last page.
import { z } from 'zod';
import { fields, httpRoute, ok, sharedDatabase } from '../../lib/api';
import { listScores, MAX_SCORES_LIMIT, TASK_NAMES, type ScoreRow } from '../../lib/validator';

export const DEFAULT_SCORES_LIMIT = 100;

/** A page cursor: the target time (epoch ms) and id of the last row of the previous page. */
const CURSOR_RE = /^([0-9]{1,15})\.([0-9]{1,15})$/;
const cursor = z
  .string()
  .regex(CURSOR_RE, { error: 'expected the `next` cursor of a previous page' })
  .transform((s) => {
    const [, ms, id] = CURSOR_RE.exec(s)!;
    return { taskTime: new Date(Number(ms)), id: Number(id) };
  });

const cursorOf = (row: ScoreRow) => `${row.taskTime.getTime()}.${row.id}`;

const query = z.strictObject({
  task: z.enum(TASK_NAMES, { error: `expected one of ${TASK_NAMES.join(', ')}` }).optional(),
  since: fields.sinceParam.optional(),
  limit: fields.intParam(1, MAX_SCORES_LIMIT).optional(),
  before: cursor.optional(),
});

export const handler = httpRoute({ route: 'GET /scores', db: sharedDatabase, query }, async ({ session, query }) => {
  const limit = query.limit ?? DEFAULT_SCORES_LIMIT;
  const rows = await listScores(session, { task: query.task, since: query.since, limit, before: query.before });
  return ok({ scores: rows, next: rows.length === limit ? cursorOf(rows.at(-1)!) : null });
});
