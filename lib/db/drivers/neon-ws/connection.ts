// One @neondatabase/serverless Client (node-postgres over a WebSocket) behind the DriverConnection interface.
// It is a pg Client, so everything but the cancel path is the pg driver's connection.
import type { Client } from '@neondatabase/serverless';
import type pg from 'pg';
import type WebSocket from 'ws';
import { PgConnection } from '../pg/connection';
import { sendCancelOverWebSocket } from './cancel';

const CANCEL_TIMEOUT_MS = 1_000;

export class NeonWsConnection extends PgConnection {
  constructor(
    private readonly neon: Client,
    private readonly webSocket: typeof WebSocket,
  ) {
    super(neon as unknown as pg.Client);
  }

  /** The cancel request travels on its own WebSocket through the same proxy (no TCP path to the server). */
  protected override sendCancel(): Promise<void> | undefined {
    const c = this.neon as Client & { processID: number | null; secretKey: number | null };
    if (c.processID === null || c.secretKey === null) return undefined;
    const socket = c.neonConfig;
    let address: string;
    try {
      address = socket.wsProxyAddrForHost(c.host, c.port);
    } catch {
      return undefined;
    }
    const url = `${socket.useSecureWebSocket ? 'wss' : 'ws'}://${address}`;
    return sendCancelOverWebSocket(this.webSocket, url, c.processID, c.secretKey, CANCEL_TIMEOUT_MS);
  }
}
