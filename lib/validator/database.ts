// The validator's database: one per container, created at module scope by each handler; settings from the
// environment (DATABASE_URL, DB_DRIVER, DB_*_MS; see lib/db/config.ts), arguments win.
import { createDatabase, type CreateDatabaseOptions, type Database } from '../db';
import { REQUIRED_MIGRATION } from './migrations';
import {
  geoHistory,
  geoPredictions,
  geoTruth,
  minerDeregistrations,
  miners,
  requestNonces,
  scoreRows,
  soilHistory,
  soilPredictions,
  soilRegions,
  soilTruth,
  weights,
} from './schema';

/** The tables, as the drizzle schema of `session.db`. */
export const tables = {
  miners,
  minerDeregistrations,
  scoreRows,
  soilRegions,
  soilPredictions,
  soilTruth,
  soilHistory,
  geoPredictions,
  geoHistory,
  geoTruth,
  weights,
  requestNonces,
};

export type ValidatorSchema = typeof tables;
export type ValidatorDatabase = Database<ValidatorSchema>;

/** The validator's database: its schema, and the migration its code needs (checked by the Lambda wrapper). */
export function createValidatorDatabase(options: Omit<CreateDatabaseOptions<ValidatorSchema>, 'schema'> = {}): ValidatorDatabase {
  return createDatabase({ requiredMigration: REQUIRED_MIGRATION, ...options, schema: tables });
}
