// Neon's SQL over HTTP (neon()): reads as single requests, writes as batches (one request, one transaction).
// No interactive transactions: createDatabase refuses this driver unless transactions: 'batch-only' is declared.
import type { DriverConnection, DriverImplementation } from '../../driver';
import { RoleDefaults } from '../role-defaults';
import { NeonHttpConnection, type NeonSql } from './connection';

export type NeonHttpDriverOptions = {
  url: string;
  /** SQL-over-HTTP endpoint (a local one); undefined = Neon's. The library only has a process-wide setting, so
   *  each request sets it just before it starts (synchronously: no other request can interleave). */
  fetchEndpoint: string | undefined;
};

export class NeonHttpDriver implements DriverImplementation {
  readonly name = 'neon-http';
  private library: Promise<{ sql: NeonSql; route: () => void }> | undefined;
  /** One per driver (per container): every request reaches the same role and database. A batch is one request, so
   *  idle_in_transaction_session_timeout never applies to it and only these two are set. */
  private readonly roleDefaults = new RoleDefaults(['statementMs', 'lockMs']);

  constructor(private readonly options: NeonHttpDriverOptions) {
    // The URL (and its password) must not be reachable by enumeration or inspection of the driver.
    Object.defineProperty(this, 'options', { enumerable: false });
  }

  async connect(): Promise<DriverConnection> {
    const { sql, route } = await this.load();
    return new NeonHttpConnection(sql, route, this.roleDefaults);
  }

  async close(): Promise<void> {
    // Nothing is held between requests.
  }

  private load(): Promise<{ sql: NeonSql; route: () => void }> {
    // Imported on first use so functions on other drivers never load the module.
    this.library ??= import('@neondatabase/serverless').then(({ neon, neonConfig }) => {
      const endpoint = this.options.fetchEndpoint;
      // undefined restores the library's default (Neon's own endpoint for the URL's host).
      const route = () => {
        (neonConfig as { fetchEndpoint: unknown }).fetchEndpoint = endpoint;
      };
      return { sql: neon<false, true>(this.options.url, { fullResults: true }), route };
    });
    return this.library;
  }
}
