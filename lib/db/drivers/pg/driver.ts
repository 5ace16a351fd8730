// node-postgres driver: TCP connections shaped by the proxy profile.
import pg from 'pg';
import type { Driver, DriverCapabilities, DriverConnection } from '../../driver';
import { ConnectTimeoutError } from '../../errors';
import { toDbError } from '../../classify';
import type { ProxyProfile } from '../../profiles';
import { PgConnection } from './connection';

export type PgDriverOptions = {
  url: string;
  applicationName: string;
  profile: ProxyProfile;
  /** Session-wide server timeouts, sent as startup parameters when the profile allows. */
  startupTimeouts: { statementMs: number; lockMs: number; idleInTransactionMs: number };
};

export class PgDriver implements Driver {
  readonly name = 'pg';
  readonly capabilities: DriverCapabilities;

  constructor(private readonly options: PgDriverOptions) {
    this.capabilities = {
      interactiveTransactions: true,
      savepoints: true,
      concurrentConnections: true,
      setLocalTimeouts: options.profile.setLocal,
      serverEnforcedTimeouts: true,
    };
    // The URL (and its password) must not be reachable by enumeration or inspection of the driver.
    Object.defineProperty(this, 'options', { enumerable: false });
  }

  connect(timeoutMs: number): Promise<DriverConnection> {
    const { url, applicationName, profile, startupTimeouts } = this.options;
    const config: pg.ClientConfig = { connectionString: url, application_name: applicationName, keepAlive: true };
    if (profile.startupParameters) {
      config.statement_timeout = startupTimeouts.statementMs;
      config.lock_timeout = startupTimeouts.lockMs;
      config.idle_in_transaction_session_timeout = startupTimeouts.idleInTransactionMs;
    }
    const client = new pg.Client(config);
    return new Promise<DriverConnection>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        hardClose(client);
        reject(new ConnectTimeoutError(`connect timed out after ${timeoutMs} ms`, { limitMs: timeoutMs }));
      }, timeoutMs);
      // Until the connection is handed over, errors are answered by the reject below, never thrown.
      const early = () => undefined;
      client.on('error', early);
      client.connect().then(
        () => {
          clearTimeout(timer);
          client.off('error', early);
          if (settled) return hardClose(client);
          settled = true;
          resolve(new PgConnection(client));
        },
        (err: unknown) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          hardClose(client);
          reject(toDbError(err, { connecting: true }));
        },
      );
    });
  }

  async close(): Promise<void> {
    // Connections belong to the pool, which closes them; nothing driver-wide to release.
  }
}

function hardClose(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  client.end().catch(() => undefined);
}
