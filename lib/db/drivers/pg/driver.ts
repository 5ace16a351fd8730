// node-postgres driver: TCP connections shaped by the proxy profile.
import type pg from 'pg';
import type { DriverConnection, DriverImplementation } from '../../driver';
import { clientConfig, connectWithin, type ClientOptions } from './connect';
import { PgConnection } from './connection';
import { pgTypes } from './types';

export type PgDriverOptions = ClientOptions;

export class PgDriver implements DriverImplementation {
  readonly name = 'pg';
  private library: Promise<typeof pg> | undefined;

  constructor(private readonly options: PgDriverOptions) {
    // The URL (and its password) must not be reachable by enumeration or inspection of the driver.
    Object.defineProperty(this, 'options', { enumerable: false });
  }

  async connect(timeoutMs: number): Promise<DriverConnection> {
    // Imported on first use, not statically: a bundle that leaves pg external (functions on another driver)
    // must still load, and a static import of an external package is hoisted to the bundle's top.
    this.library ??= import('pg').then((m) => m.default);
    const pg = await this.library;
    // Fast float[] parsing for every statement (the validator's grids), temporal text only for drizzle.
    const client = new pg.Client({ ...clientConfig(this.options), types: pgTypes });
    await connectWithin(client, timeoutMs);
    return new PgConnection(client);
  }

  async close(): Promise<void> {
    // Connections belong to the pool, which closes them; nothing driver-wide to release.
  }
}
