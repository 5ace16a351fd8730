// EventBridge (hourly): scores the soil predictions whose ground truth is due.
import type { ScheduledEvent } from 'aws-lambda';
import { dbLogger, logger, withSession } from '../../lib/lambda';
import { runSoilStep } from '../../lib/tasks';
import { createValidatorDatabase } from '../../lib/validator';

const db = createValidatorDatabase({ logger: dbLogger });

export const handler = withSession(
  db,
  async (_event: ScheduledEvent, _context, session) => {
    const summary = await runSoilStep(session, { now: new Date() });
    logger.info('soil step', { summary });
    return summary;
  },
  { name: 'job soil' },
);
