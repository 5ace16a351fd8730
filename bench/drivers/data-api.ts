// The RDS Data API (the real AWS SDK) through the local endpoint (dev/peers): the layer vs RDSDataClient used
// directly (ExecuteStatement; BeginTransaction / ExecuteStatement / CommitTransaction). Calls counted by the endpoint.
// The bench database is set up as docs/OPERATIONS.md asks of a deployment: the role's defaults (ALTER ROLE ... IN
// DATABASE ... SET) are the configured timeouts, so the layer's transactions need no set_config call of their own.
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { startDataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { createDatabase } from '../../lib/db';
import { POOL_SIZE } from '../db/open';
import { setRoleTimeouts } from '../../test/support/role-timeouts';
import { PG_HOST, PG_PORT } from '../../test/support/postgres';
import { quietLogger } from '../support/quiet-logger';
import type { DriverTarget, Sides } from './target';
import { DEFAULT_TIMEOUTS, layerRead, layerWrite } from './workload';

const TARGET = {
  resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:local',
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:local',
};

/** workload's INSERT in the Data API's named-parameter form (the layer rewrites $1 to :p1 the same way). */
const RAW_INSERT = 'INSERT INTO bench_items (v) VALUES (:p1)';
/**
 * The call the layer makes right after BeginTransaction where the role's defaults do not give the timeouts
 * (lib/db/drivers/role-defaults.ts), at the default timeouts: informational here, where they do.
 */
const LOCAL_TIMEOUTS =
  `SELECT set_config('statement_timeout', '${DEFAULT_TIMEOUTS.statementMs}', true), set_config('lock_timeout', '${DEFAULT_TIMEOUTS.lockMs}', true), ` +
  `set_config('idle_in_transaction_session_timeout', '${DEFAULT_TIMEOUTS.idleInTransactionMs}', true)`;

export const dataApi: DriverTarget = {
  name: 'data-api',
  writeName: 'write transaction (timeouts from role defaults)',
  layerExtra: 'the set_config timeouts call the layer makes without role defaults',
  inProcessPeer: true,
  calls: { read: 2_000, write: 600 },
  // DRIVERS.md: the service has no BEGIN options; the server timeouts are the role's defaults here, so a write is
  // BeginTransaction, the INSERT, CommitTransaction (the first transaction of the run reads the defaults in a
  // set_config call, before counting starts).
  writeCost: { label: 'API calls per transaction (1 INSERT)', unit: 'calls', expected: { layer: 3, raw: 3 } },
  async setup(tdb) {
    // Before the endpoint's first connection: role defaults reach new sessions only.
    await setRoleTimeouts(tdb.name, DEFAULT_TIMEOUTS);
    const endpoint = await startDataApiEndpoint({ pgHost: PG_HOST, pgPort: PG_PORT });
    const target = { ...TARGET, database: tdb.name };

    const open = async (): Promise<Sides> => {
      const db = createDatabase({
        driver: 'data-api',
        dataApiResourceArn: target.resourceArn,
        dataApiSecretArn: target.secretArn,
        dataApiDatabase: target.database,
        dataApiEndpoint: endpoint.url,
        poolMax: POOL_SIZE,
        logger: quietLogger,
        env: {},
      });
      const rawClient = () => {
        // Configured like the layer's client: one attempt per call, a local endpoint that accepts any signature.
        const client = new RDSDataClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
        // Column names come with the metadata: without it a raw caller gets nameless values (the layer asks for it too).
        const read = () => client.send(new ExecuteStatementCommand({ ...target, sql: 'SELECT 1', includeResultMetadata: true }));
        const write = (withTimeouts: boolean) => async () => {
          const { transactionId } = await client.send(new BeginTransactionCommand(target));
          try {
            if (withTimeouts) await client.send(new ExecuteStatementCommand({ ...target, transactionId, sql: LOCAL_TIMEOUTS }));
            await client.send(new ExecuteStatementCommand({ ...target, transactionId, sql: RAW_INSERT, parameters: [{ name: 'p1', value: { longValue: 1 } }] }));
            await client.send(new CommitTransactionCommand({ resourceArn: target.resourceArn, secretArn: target.secretArn, transactionId }));
          } catch (err) {
            await client.send(new RollbackTransactionCommand({ resourceArn: target.resourceArn, secretArn: target.secretArn, transactionId })).catch(() => undefined);
            throw err;
          }
        };
        return { client, read, write };
      };
      const raw = rawClient();
      const rawB = rawClient();
      return {
        read: { layer: layerRead(db), raw: raw.read, rawB: rawB.read },
        write: { layer: layerWrite(db), raw: raw.write(false), rawB: rawB.write(false), rawSameWork: raw.write(true) },
        close: async () => {
          await db.close();
          raw.client.destroy();
          rawB.client.destroy();
        },
      };
    };
    return {
      open,
      counted: async () => {
        const sides = await open();
        return { sides, count: endpoint.requests, close: sides.close };
      },
      close: () => endpoint.close(),
    };
  },
};
