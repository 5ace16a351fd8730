// EventBridge (hourly): scores the soil predictions whose ground truth is due.
import { lambdaDatabaseOptions, scheduledJob } from '../../lib/lambda';
import { runSoilStep } from '../../lib/tasks';
import { createValidatorDatabase } from '../../lib/validator';

const db = createValidatorDatabase(lambdaDatabaseOptions());

export const handler = scheduledJob('soil', db, (session, { now }) => runSoilStep(session, { now }));
