// PGlite driver: one embedded PostgreSQL (WASM) per database; the pool of size 1 gives exclusive access.
import type { PGlite } from '@electric-sql/pglite';
import type { DriverConnection, DriverImplementation } from '../../driver';
import { PgliteConnection } from './connection';
import { useSharedTypes } from './types';

export type PgliteDriverOptions = {
  /** Data folder; undefined = in memory. */
  dataDir: string | undefined;
};

export class PgliteDriver implements DriverImplementation {
  readonly name = 'pglite';
  private instance: Promise<PGlite> | undefined;
  /** Cleanup of a destroyed connection, finished before the next connection is handed out. */
  private cleanup: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PgliteDriverOptions) {}

  async connect(): Promise<DriverConnection> {
    const db = await this.open();
    await this.cleanup;
    return new PgliteConnection(db, (work) => {
      this.cleanup = this.cleanup.then(work, work);
    });
  }

  async close(): Promise<void> {
    const pending = this.instance;
    this.instance = undefined;
    if (pending) await (await pending).close();
  }

  private open(): Promise<PGlite> {
    // Imported lazily so functions on other drivers never load the WASM bundle.
    this.instance ??= import('@electric-sql/pglite').then(async ({ PGlite }) => {
      const db = new PGlite(this.options.dataDir);
      await db.waitReady;
      useSharedTypes(db);
      return db;
    });
    return this.instance;
  }
}
