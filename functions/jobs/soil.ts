// EventBridge (hourly): scores the soil predictions whose ground truth is due.
import { dbLogger, scheduledJob } from '../../lib/lambda';
import { runSoilStep } from '../../lib/tasks';
import { createValidatorDatabase } from '../../lib/validator';

const db = createValidatorDatabase({ logger: dbLogger });

export const handler = scheduledJob('soil', db, (session, { now }) => runSoilStep(session, { now }));
