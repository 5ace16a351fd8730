// EventBridge (hourly): computes and stores the weight vector from the recent score rows.
import { lambdaDatabaseOptions, scheduledJob } from '../../lib/lambda';
import { runWeightsStep } from '../../lib/tasks';
import { createValidatorDatabase } from '../../lib/validator';

const db = createValidatorDatabase(lambdaDatabaseOptions());

export const handler = scheduledJob('weights', db, (session, { now }) => runWeightsStep(session, { now }));
