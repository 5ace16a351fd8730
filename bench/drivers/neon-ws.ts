// @neondatabase/serverless over WebSockets through the local wsproxy (dev/peers): the layer vs the library's own
// Pool on the same proxy. Round trips are counted on the TCP side, between the proxy and PostgreSQL.
import { neonConfig, Pool } from '@neondatabase/serverless';
import ws from 'ws';
import { startNeonWsProxy } from '../../dev/peers/neon-ws-proxy';
import { createDatabase } from '../../lib/db';
import { PG_HOST, PG_PORT } from '../../test/support/postgres';
import { POOL_SIZE } from '../db/open';
import { quietLogger } from '../support/quiet-logger';
import type { DriverTarget, Sides } from './target';
import { countedOnTheWire } from './wire-counted';
import { LAYER_BEGIN, layerRead, layerWrite, rawRead, rawWrite, STATEMENTS_PLUS_TWO } from './workload';

/** The settings a local, trust-auth proxy needs; the layer gets the same ones through its config. */
const LOCAL = { useSecureWebSocket: false, pipelineConnect: false, coalesceWrites: false } as const;

export const neonWs: DriverTarget = {
  name: 'neon-ws',
  writeName: 'write transaction',
  layerExtra: 'SET LOCAL timeouts in the BEGIN round trip',
  inProcessPeer: true,
  calls: { read: 8_000, write: 4_000 },
  writeCost: { label: 'round trips (1 INSERT)', unit: 'round trips', expected: { layer: STATEMENTS_PLUS_TWO, raw: STATEMENTS_PLUS_TWO } },
  async setup(tdb) {
    const proxy = await startNeonWsProxy();
    // The raw Pool reads the library's process-wide settings (the layer sets its own per client); restored at close.
    const saved = { webSocketConstructor: neonConfig.webSocketConstructor, wsProxy: neonConfig.wsProxy, ...pick(neonConfig) };
    Object.assign(neonConfig, { webSocketConstructor: ws, wsProxy: proxy.url, ...LOCAL });

    // The proxy dials the URL's host:port, so routing the URL through the counting proxy puts it on the TCP side.
    const open = async (url: string): Promise<Sides> => {
      const db = createDatabase({
        url,
        driver: 'neon-ws',
        applicationName: tdb.applicationName,
        neonWsProxy: proxy.url,
        neonSecureWebSocket: LOCAL.useSecureWebSocket,
        neonPipelineConnect: LOCAL.pipelineConnect,
        neonCoalesceWrites: LOCAL.coalesceWrites,
        poolMax: POOL_SIZE,
        logger: quietLogger,
        env: {},
      });
      const pool = new Pool({ connectionString: url, application_name: tdb.applicationName, max: POOL_SIZE });
      const poolB = new Pool({ connectionString: url, application_name: tdb.applicationName, max: POOL_SIZE });
      return {
        read: { layer: layerRead(db), raw: rawRead(pool), rawB: rawRead(poolB) },
        write: { layer: layerWrite(db), raw: rawWrite(pool), rawB: rawWrite(poolB), rawSameWork: rawWrite(pool, LAYER_BEGIN) },
        close: async () => {
          await db.close();
          await pool.end();
          await poolB.end();
        },
      };
    };
    return {
      open: () => open(tdb.url),
      counted: () => countedOnTheWire({ host: PG_HOST, port: PG_PORT }, tdb.url, open),
      close: async () => {
        Object.assign(neonConfig, saved);
        await proxy.close();
      },
    };
  },
};

function pick(c: typeof neonConfig): Record<keyof typeof LOCAL, unknown> {
  return { useSecureWebSocket: c.useSecureWebSocket, pipelineConnect: c.pipelineConnect, coalesceWrites: c.coalesceWrites };
}
