// A deployed function takes its connection string from the SST link `DatabaseUrl` (encrypted into the bundle by
// SST, not a plain environment variable); DATABASE_URL, when set, wins. Here the link is given the way the SST SDK
// reads it outside the bundle (SST_RESOURCE_<Name>), through the real `Resource` of 'sst/resource'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../lib/db';
import { lambdaDatabaseOptions, linkedDatabaseSettings } from '../../lib/lambda';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const saved = { ...process.env };

describe('linked database settings', () => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await createTestDatabase('linked');
    delete process.env.DATABASE_URL;
    // What SST sets for a linked secret when links are not bundled (sst dev, sst shell).
    process.env.SST_RESOURCE_App = JSON.stringify({ name: 'gaia-validator', stage: 'test' });
    process.env.SST_RESOURCE_DatabaseUrl = JSON.stringify({ type: 'sst.sst.Secret', value: tdb.url });
  });
  afterAll(async () => {
    process.env = saved;
    await tdb?.drop();
  });

  it('takes the URL of the DatabaseUrl link and connects with it', async () => {
    // Act
    const options = lambdaDatabaseOptions();
    const db = createDatabase({ ...options, applicationName: tdb.applicationName });
    try {
      const { rows } = await db.session((s) => s.query<{ name: string }>('SELECT current_database() AS name'));
      // Assess
      expect(options.url).toBe(tdb.url);
      expect(rows).toEqual([{ name: tdb.name }]);
    } finally {
      await db.close();
    }
  });

  it('lets DATABASE_URL win over the link', () => {
    expect(linkedDatabaseSettings({ DATABASE_URL: 'postgres://local/x' }, { DatabaseUrl: { value: tdb.url } })).toEqual({});
  });

  it('gives nothing without the link (the layer then reads its own environment)', () => {
    expect(linkedDatabaseSettings({}, {})).toEqual({});
    expect(linkedDatabaseSettings({}, { DatabaseUrl: { value: '' } })).toEqual({});
  });
});
