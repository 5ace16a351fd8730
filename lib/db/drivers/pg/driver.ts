// node-postgres driver: TCP connections shaped by the proxy profile.
import pg from 'pg';
import type { Driver, DriverCapabilities, DriverConnection } from '../../driver';
import { clientConfig, connectWithin, type ClientOptions } from './connect';
import { PgConnection } from './connection';

export type PgDriverOptions = ClientOptions;

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

  async connect(timeoutMs: number): Promise<DriverConnection> {
    const client = new pg.Client(clientConfig(this.options));
    await connectWithin(client, timeoutMs);
    return new PgConnection(client);
  }

  async close(): Promise<void> {
    // Connections belong to the pool, which closes them; nothing driver-wide to release.
  }
}
