// GET /scores?task=&since=&limit=: score rows, newest target time first. A score cell without a score (NaN) is null.
import { z } from 'zod';
import { fields, httpRoute, ok, sharedDatabase } from '../../lib/api';
import { listScores, MAX_SCORES_LIMIT, TASK_NAMES } from '../../lib/validator';

export const DEFAULT_SCORES_LIMIT = 100;

const query = z.strictObject({
  task: z.enum(TASK_NAMES, { error: `expected one of ${TASK_NAMES.join(', ')}` }).optional(),
  since: fields.sinceParam.optional(),
  limit: fields.intParam(1, MAX_SCORES_LIMIT).optional(),
});

export const handler = httpRoute({ route: 'GET /scores', db: sharedDatabase, query }, async ({ session, query }) => {
  const rows = await listScores(session, { task: query.task, since: query.since, limit: query.limit ?? DEFAULT_SCORES_LIMIT });
  return ok({ scores: rows });
});
