// Migrations on deploy: `sst deploy` invokes the migration function itself (an aws.lambda.Invocation), keyed on
// the hash of drizzle/, so it runs again exactly when the migrations change. A failed migration makes the
// invocation, and so the deploy, fail; two deploys racing on one database serialize on the migrations' advisory
// lock (lib/db/migrate.ts). Functions refuse to serve (503) until the schema is current (lib/lambda/schema-gate.ts).
// In `sst dev` nothing is invoked: the local database is migrated with `npm run db:migrate` (README).
import { migrationFunction } from '../lib/app/functions';
import { migrationsHash } from '../lib/app/migrations-hash';
import { database, functionArgs } from './database';

export const hash = migrationsHash(`${$cli.paths.root}/drizzle`);

export const migrator = new sst.aws.Function('Migrate', {
  ...functionArgs(migrationFunction),
  // drizzle/ next to the bundle, where functions/deploy/migrate.ts reads it.
  copyFiles: [{ from: 'drizzle', to: 'drizzle' }],
});

export const migration = $dev
  ? undefined
  : new aws.lambda.Invocation(
      'MigrateOnDeploy',
      {
        functionName: migrator.name,
        input: JSON.stringify({ migrationsHash: hash }),
        // A new hash replaces the invocation: the function runs again.
        triggers: { migrationsHash: hash },
      },
      // The cluster (and its proxy) must be up before the first run.
      { dependsOn: database.resource ? [database.resource] : [] },
    );
