// float4[] / float8[] come back as numbers through the fast parser, with the same values as the generic one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

describe('float arrays (pg)', () => {
  let tdb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    tdb = await createTestDatabase('floats');
    db = createDatabase({ url: tdb.url, applicationName: tdb.applicationName, env: {} });
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  it('parses one-dimensional arrays with NaN, NULL, infinities and extremes', async () => {
    // Act
    const { rows } = await db.session((s) =>
      s.query<{ a: unknown; b: unknown; e: unknown }>(
        `SELECT '{1.5,NaN,NULL,-Infinity,Infinity,1e-300,-0.25}'::float8[] AS a, '{0.5,NaN}'::float4[] AS b, '{}'::float8[] AS e`,
      ),
    );
    // Assess
    expect(rows[0]!.a).toEqual([1.5, NaN, null, -Infinity, Infinity, 1e-300, -0.25]);
    expect(rows[0]!.b).toEqual([0.5, NaN]);
    expect(rows[0]!.e).toEqual([]);
  });

  it('leaves multi-dimensional and bounded literals to the generic parser', async () => {
    // Act
    const { rows } = await db.session((s) =>
      s.query<{ m: unknown; bounded: unknown }>(`SELECT '{{1,2},{3,4}}'::float8[] AS m, '[0:1]={7,8}'::float8[] AS bounded`),
    );
    // Assess
    expect(rows[0]!.m).toEqual([[1, 2], [3, 4]]);
    expect(rows[0]!.bounded).toEqual([7, 8]);
  });

  it('keeps the same values through drizzle (raw temporal types path)', async () => {
    // Act
    const rows = await db.session(async (s) => (await s.db.execute<{ a: unknown }>(`SELECT '{2.5,NULL}'::float8[] AS a` as never)) as unknown as { a: unknown }[]);
    // Assess
    expect(rows[0]!.a).toEqual([2.5, null]);
  });
});
