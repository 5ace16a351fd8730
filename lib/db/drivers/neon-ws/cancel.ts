// PostgreSQL CancelRequest over a fresh WebSocket through the same proxy the connection uses (Neon's proxy, or a
// local wsproxy, carries the raw protocol bytes; a cancel is a one-message connection).
import type WebSocket from 'ws';

const CANCEL_REQUEST_CODE = 80877102;

export function sendCancelOverWebSocket(
  WebSocketCtor: typeof WebSocket,
  url: string,
  pid: number,
  secretKey: number,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    let ws: WebSocket;
    try {
      ws = new WebSocketCtor(url);
    } catch {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      ws.terminate();
      resolve();
    };
    // Best effort by design: an undelivered cancel is followed by destroying the connection anyway.
    const timer = setTimeout(done, timeoutMs);
    ws.once('error', done);
    ws.once('close', done);
    ws.once('open', () => {
      const msg = Buffer.alloc(16);
      msg.writeInt32BE(16, 0);
      msg.writeInt32BE(CANCEL_REQUEST_CODE, 4);
      msg.writeInt32BE(pid, 8);
      msg.writeInt32BE(secretKey, 12);
      // The server closes the connection after reading a cancel request.
      ws.send(msg, { binary: true });
    });
  });
}
