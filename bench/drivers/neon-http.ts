// neon() over the local SQL-over-HTTP endpoint (dev/peers): the layer (transactions: 'batch-only', writes as
// session.batch) vs neon() used directly, writes as sql.transaction([...]). Requests counted by the endpoint.
// The bench database is set up as docs/OPERATIONS.md asks of a deployment: the role's defaults (ALTER ROLE ... IN
// DATABASE ... SET) are the configured timeouts, so the layer's batches carry no set_config statement.
import { neon, neonConfig } from '@neondatabase/serverless';
import { startNeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint';
import { createDatabase } from '../../lib/db';
import { POOL_SIZE } from '../db/open';
import { setRoleTimeouts } from '../../test/support/role-timeouts';
import { PG_HOST, PG_PORT } from '../../test/support/postgres';
import { quietLogger } from '../support/quiet-logger';
import type { DriverTarget, Sides } from './target';
import { DEFAULT_TIMEOUTS, INSERT, layerRead } from './workload';

/**
 * The statement the layer puts first in a batch where the role's defaults do not give the timeouts
 * (lib/db/drivers/role-defaults.ts), at the default timeouts: informational here, where they do.
 */
const LOCAL_TIMEOUTS = `SELECT set_config('statement_timeout', '${DEFAULT_TIMEOUTS.statementMs}', true), set_config('lock_timeout', '${DEFAULT_TIMEOUTS.lockMs}', true)`;

export const neonHttp: DriverTarget = {
  name: 'neon-http',
  writeName: 'write batch (timeouts from role defaults)',
  layerExtra: 'the set_config timeouts statement the layer sends without role defaults',
  inProcessPeer: true,
  calls: { read: 3_000, write: 2_500 },
  writeCost: { label: 'HTTP requests per batch (1 INSERT)', unit: 'requests', expected: { layer: 1, raw: 1 } },
  async setup(tdb) {
    // Before the endpoint's first connection: role defaults reach new sessions only.
    await setRoleTimeouts(tdb.name, DEFAULT_TIMEOUTS);
    const endpoint = await startNeonHttpEndpoint({ pgHost: PG_HOST, pgPort: PG_PORT });
    // Process-wide in the library: the raw side uses it as set here; the layer sets the same value per request.
    const saved = neonConfig.fetchEndpoint;
    neonConfig.fetchEndpoint = endpoint.url;

    const open = async (): Promise<Sides> => {
      const db = createDatabase({
        url: tdb.url,
        driver: 'neon-http',
        transactions: 'batch-only',
        applicationName: tdb.applicationName,
        neonFetchEndpoint: endpoint.url,
        poolMax: POOL_SIZE,
        logger: quietLogger,
        env: {},
      });
      // fullResults, as the layer asks for: both sides get rows and rowCount.
      const sql = neon(tdb.url, { fullResults: true });
      const sqlB = neon(tdb.url, { fullResults: true });
      return {
        read: { layer: layerRead(db), raw: () => sql.query('SELECT 1'), rawB: () => sqlB.query('SELECT 1') },
        write: {
          layer: () => db.session((s) => s.batch([{ text: INSERT, params: [1] }])),
          raw: () => sql.transaction([sql.query(INSERT, [1])]),
          rawB: () => sqlB.transaction([sqlB.query(INSERT, [1])]),
          rawSameWork: () => sql.transaction([sql.query(LOCAL_TIMEOUTS), sql.query(INSERT, [1])]),
        },
        close: () => db.close(),
      };
    };
    return {
      open,
      counted: async () => {
        const sides = await open();
        return { sides, count: endpoint.requests, close: sides.close };
      },
      close: async () => {
        neonConfig.fetchEndpoint = saved;
        await endpoint.close();
      },
    };
  },
};
