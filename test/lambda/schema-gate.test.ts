// A function refuses to serve on a database behind its code (503 with Retry-After for routes, a thrown
// SchemaBehindError for jobs), reading the applied migration once per container: in its first invocation, on the
// same session, and never again once the schema is current.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOCATION_METRICS as M } from '../../lib/app/metrics';
import { schedules } from '../../lib/app/functions';
import { httpRoute, ok, SCHEMA_RETRY_AFTER_SECONDS } from '../../lib/api';
import { migrate, SchemaBehindError } from '../../lib/db';
import { scheduledJob } from '../../lib/lambda';
import { createValidatorDatabase, REQUIRED_MIGRATION, type ValidatorDatabase } from '../../lib/validator';
import { lambdaContext } from '../../dev/server/lambda-context';
import { scheduledEvent } from '../../dev/server/scheduled-event';
import { invoke } from '../support/apigw';
import { captureOutput, emfOf, enableMetricsOutput } from '../support/emf';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { MIGRATIONS, quietLogger } from '../validator/fixtures';
import journal from '../../drizzle/meta/_journal.json';

enableMetricsOutput();
const KEY = 'GET /miners';

describe('schema gate', () => {
  let tdb: TestDatabase;
  const open: ValidatorDatabase[] = [];
  /** A new container: its own Database, as a handler module makes at load. */
  const container = () => {
    const db = createValidatorDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger: quietLogger, env: {} });
    open.push(db);
    return db;
  };
  let handlerRuns = 0;
  const routeOn = (db: ValidatorDatabase) =>
    httpRoute({ route: KEY, db }, async ({ session }) => {
      handlerRuns++;
      return ok((await session.query<{ one: number }>('SELECT 1 AS one')).rows);
    });
  /** Round trips of the request's session, from its metrics line. */
  const roundTrips = async (handler: ReturnType<typeof routeOn>) => {
    const { result, lines } = await captureOutput(() => invoke(handler, KEY));
    return { status: result!.status, json: result!.json, headers: result!.headers, roundTrips: emfOf(lines)[0]![M.RoundTrips] as number };
  };

  beforeAll(async () => {
    tdb = await createTestDatabase('schema_gate');
  });
  afterAll(async () => {
    await Promise.all(open.map((db) => db.close()));
    await tdb?.drop();
  });

  it('knows the newest migration of drizzle/', () => {
    const newest = journal.entries.at(-1)!;
    expect(REQUIRED_MIGRATION).toEqual({ tag: newest.tag, when: newest.when });
  });

  it('refuses a route with 503 and Retry-After on a database never migrated; the handler never runs', async () => {
    // Prepare
    const handler = routeOn(container());
    // Act
    const res = await roundTrips(handler);
    // Assess
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(SCHEMA_RETRY_AFTER_SECONDS));
    expect(res.json.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('schema is behind') });
    expect(handlerRuns).toBe(0);
    expect(res.roundTrips).toBe(1);
  });

  it('serves once migrated, reading the schema in the first invocation only', async () => {
    // Prepare: a container that found the schema behind, then the deployment's migration
    const db = container();
    const handler = routeOn(db);
    expect((await roundTrips(handler)).status).toBe(503);
    await migrate(db, { migrationsFolder: MIGRATIONS });
    // Act
    const first = await roundTrips(handler);
    const second = await roundTrips(handler);
    // Assess: the schema read, then the handler's statement; afterwards the handler's statement alone
    expect(first).toMatchObject({ status: 200, roundTrips: 2 });
    expect(second).toMatchObject({ status: 200, roundTrips: 1 });
  });

  it('refuses on a database whose newest migration is older than the code, in a new container only', async () => {
    // Prepare: a container found the schema current; then the newest migration's record disappears (as on a
    // database restored from before the deploy)
    const warm = routeOn(container());
    expect((await roundTrips(warm)).status).toBe(200);
    const [removed] = await adminQuery<{ hash: string }>('DELETE FROM drizzle.__drizzle_migrations WHERE created_at = $1 RETURNING hash', [REQUIRED_MIGRATION.when], tdb.name);
    try {
      // Act
      const cold = await roundTrips(routeOn(container()));
      const stillWarm = await roundTrips(warm);
      // Assess: checked once per container, so only the new container sees it
      expect(cold.status).toBe(503);
      expect(stillWarm.status).toBe(200);
    } finally {
      // The schema itself was never rolled back: the record goes back as it was.
      await adminQuery('INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)', [removed!.hash, REQUIRED_MIGRATION.when], tdb.name);
    }
  });

  it('fails a scheduled job with SchemaBehindError naming the migration it needs, without its heartbeat', async () => {
    // Prepare
    const behind = await createTestDatabase('schema_gate_job');
    const db = createValidatorDatabase({ url: behind.url, logger: quietLogger, env: {} });
    let ran = false;
    const job = scheduledJob('geo', db, async () => {
      ran = true;
    });
    try {
      // Act
      const { error, lines } = await captureOutput(() => job(scheduledEvent('geo'), lambdaContext(schedules.find((s) => s.name === 'geo')!)));
      // Assess
      expect(error).toBeInstanceOf(SchemaBehindError);
      expect((error as SchemaBehindError).required).toBe(REQUIRED_MIGRATION.tag);
      expect((error as Error).message).toContain(REQUIRED_MIGRATION.tag);
      expect(ran).toBe(false);
      expect(emfOf(lines)[0]).not.toHaveProperty(M.JobSucceeded);
    } finally {
      await db.close();
      await behind.drop();
    }
  });
});
