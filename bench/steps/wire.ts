// Round trips of one step run as the server saw them: ReadyForQuery messages through a counting proxy, on
// a connection opened and warmed before the count starts (the startup handshake is not the step's).
import { createValidatorDatabase, type AnySession } from '../../lib/validator';
import { PG_HOST, PG_PORT, type TestDatabase } from '../../test/support/postgres';
import { startCountingProxy } from '../../test/support/counting-proxy';
import { quietLogger } from '../support/quiet-logger';
import type { FreshState } from './fresh-state';

export async function wireRoundTrips(tdb: TestDatabase, fresh: FreshState, run: (s: AnySession) => Promise<unknown>): Promise<number> {
  const proxy = await startCountingProxy({ host: PG_HOST, port: PG_PORT });
  // One connection, so the warmed one is the one the step uses.
  const db = createValidatorDatabase({ url: proxy.route(tdb.url), applicationName: tdb.applicationName, poolMax: 1, logger: quietLogger, env: {} });
  try {
    await db.session((s) => s.query('SELECT 1'));
    await fresh.restore();
    const before = proxy.readyForQuery;
    await db.session(run);
    return proxy.readyForQuery - before;
  } finally {
    await db.close();
    await proxy.close();
  }
}
