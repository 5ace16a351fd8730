// One check costs at most three round trips (BEGIN with its SET LOCAL timeouts, the snapshot, COMMIT), counted
// on the wire by a proxy, and the report's own `roundTrips` says the same number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth, createDatabase, type Database } from '../../lib/db';
import { PG_HOST, PG_PORT, createTestDatabase, type TestDatabase } from '../support/postgres';
import { captureLogger } from '../support/logger';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy';

describe('health check: round trips', () => {
  let tdb: TestDatabase;
  let proxy: CountingProxy;
  let db: Database;

  beforeAll(async () => {
    tdb = await createTestDatabase('mon_rt');
    proxy = await startCountingProxy({ host: PG_HOST, port: PG_PORT });
    const url = new URL(tdb.url);
    url.port = String(proxy.port);
    db = createDatabase({ url: url.toString(), applicationName: tdb.applicationName, logger: captureLogger() });
  });

  afterAll(async () => {
    await db?.close();
    await proxy?.close();
    await tdb?.drop();
  });

  it.each([
    ['a cold check (opens the connection)', {}],
    ['a warm check (reuses it)', {}],
    ['a check with the policy in dry-run', { policy: { mode: 'dry-run' as const } }],
    ['a check with the policy enforced', { policy: { mode: 'enforce' as const } }],
  ])('%s takes at most 3 round trips, as the report says', async (_name, options) => {
    // Prepare
    const before = proxy.roundTrips;
    // Act
    const report = await checkHealth(db, {}, options);
    // Assess
    const onTheWire = proxy.roundTrips - before;
    expect(report.status).toBe('ok');
    expect(onTheWire).toBe(report.roundTrips);
    expect(report.roundTrips).toBe(3);
  });

  it('keeps one connection for repeated checks', () => {
    expect(proxy.connections).toBe(1);
  });
});
