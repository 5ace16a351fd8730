// EventBridge (hourly): computes and stores the weight vector from the recent score rows.
import type { ScheduledEvent } from 'aws-lambda';
import { dbLogger, logger, withSession } from '../../lib/lambda';
import { runWeightsStep } from '../../lib/tasks';
import { createValidatorDatabase } from '../../lib/validator';

const db = createValidatorDatabase({ logger: dbLogger });

export const handler = withSession(
  db,
  async (_event: ScheduledEvent, _context, session) => {
    const summary = await runWeightsStep(session, { now: new Date() });
    logger.info('weights step', { summary });
    return summary;
  },
  { name: 'job weights' },
);
