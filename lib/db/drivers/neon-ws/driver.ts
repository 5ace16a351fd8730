// Neon serverless driver over WebSockets: node-postgres Clients tunnelled through Neon's (or a local) wsproxy.
// Interactive transactions, savepoints and SET LOCAL timeouts work as on TCP; settings are per client, never
// on the library's global neonConfig.
import type { Client } from '@neondatabase/serverless';
import type WebSocket from 'ws';
import type { DriverConnection, DriverImplementation } from '../../driver';
import { clientConfig, connectWithin, type ClientOptions } from '../pg/connect';
import { pgTypes } from '../pg/types';
import { NeonWsConnection } from './connection';

export type NeonWsSettings = {
  /** host[:port]/path without scheme; undefined = Neon's own (<host>/v2). */
  proxy: string | undefined;
  secure: boolean;
  pipelineConnect: boolean;
  coalesceWrites: boolean;
};

export type NeonWsDriverOptions = ClientOptions & { ws: NeonWsSettings };

type Library = { Client: typeof Client; WebSocket: typeof WebSocket };

export class NeonWsDriver implements DriverImplementation {
  readonly name = 'neon-ws';
  private library: Promise<Library> | undefined;

  constructor(private readonly options: NeonWsDriverOptions) {
    // The URL (and its password) must not be reachable by enumeration or inspection of the driver.
    Object.defineProperty(this, 'options', { enumerable: false });
  }

  async connect(timeoutMs: number): Promise<DriverConnection> {
    const { Client, WebSocket } = await this.load();
    // The shared parsers, as on pg (the library bundles its own copy of pg-types, with numeric[] as floats).
    const client = new Client({ ...clientConfig(this.options), types: pgTypes } as ConstructorParameters<typeof Client>[0]);
    const ws = this.options.ws;
    const settings = client.neonConfig;
    // Node has no WebSocket global before 22; `ws` is the library's documented choice.
    settings.webSocketConstructor = WebSocket;
    if (ws.proxy !== undefined) settings.wsProxy = ws.proxy;
    settings.useSecureWebSocket = ws.secure;
    settings.pipelineConnect = ws.pipelineConnect ? 'password' : false;
    settings.coalesceWrites = ws.coalesceWrites;
    await connectWithin(client, timeoutMs);
    return new NeonWsConnection(client, WebSocket);
  }

  async close(): Promise<void> {
    // Connections belong to the pool, which closes them; nothing driver-wide to release.
  }

  private load(): Promise<Library> {
    // Imported on first use so functions on other drivers never load these modules.
    this.library ??= Promise.all([import('@neondatabase/serverless'), import('ws')]).then(([neon, ws]) => ({
      Client: neon.Client,
      WebSocket: ws.default,
    }));
    return this.library;
  }
}
