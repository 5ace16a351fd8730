// Init probe: the validator's drizzle schema (every pgTable built at import).
import * as schema from '../../../lib/validator/schema';

export const handler = async (): Promise<number> => Object.keys(schema).length;
