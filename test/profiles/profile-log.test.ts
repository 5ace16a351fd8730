// The chosen profile is logged once, on the first session, with the reason it was chosen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../lib/db';
import { captureLogger } from '../support/logger';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase('profile_log');
});

afterAll(async () => {
  await tdb?.drop();
});

describe('profile log line', () => {
  it('names the profile and why, once', async () => {
    // Prepare
    const logger = captureLogger();
    const db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, logger, env: {} });

    // Act
    await db.session((s) => s.query('SELECT 1'));
    await db.session((s) => s.query('SELECT 1'));
    await db.close();

    // Assess
    const lines = logger.find('database layer ready');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.fields).toMatchObject({ driver: 'pg', profile: 'direct', profileReason: 'no proxy detected from host or port' });
  });
});
