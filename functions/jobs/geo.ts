// EventBridge (hourly): scores the geo predictions of hours that are over.
import { lambdaDatabaseOptions, scheduledJob } from '../../lib/lambda';
import { runGeoStep } from '../../lib/tasks';
import { createValidatorDatabase } from '../../lib/validator';

const db = createValidatorDatabase(lambdaDatabaseOptions());

export const handler = scheduledJob('geo', db, (session, { now }) => runGeoStep(session, { now }));
