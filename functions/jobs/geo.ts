// EventBridge (hourly): scores the geo predictions of hours that are over.
import type { ScheduledEvent } from 'aws-lambda';
import { dbLogger, logger, withSession } from '../../lib/lambda';
import { runGeoStep } from '../../lib/tasks';
import { createValidatorDatabase } from '../../lib/validator';

const db = createValidatorDatabase({ logger: dbLogger });

export const handler = withSession(
  db,
  async (_event: ScheduledEvent, _context, session) => {
    const summary = await runGeoStep(session, { now: new Date() });
    logger.info('geo step', { summary });
    return summary;
  },
  { name: 'job geo' },
);
