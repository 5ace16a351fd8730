// EventBridge (daily): finishes deregistration purges and deletes rows past retention, 1000 per transaction.
import type { ScheduledEvent } from 'aws-lambda';
import { dbLogger, logger, withSession } from '../../lib/lambda';
import { runCleanupStep } from '../../lib/tasks';
import { createValidatorDatabase } from '../../lib/validator';

const db = createValidatorDatabase({ logger: dbLogger });

export const handler = withSession(
  db,
  async (_event: ScheduledEvent, _context, session) => {
    const summary = await runCleanupStep(session, { now: new Date() });
    logger.info('cleanup step', { summary });
    return summary;
  },
  { name: 'job cleanup' },
);
