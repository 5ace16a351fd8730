// WebSocket-to-TCP proxy speaking Neon's wsproxy protocol, so the real @neondatabase/serverless
// Pool/Client reach a local PostgreSQL. The driver opens ws://<wsProxy>?address=host:port and
// then sends raw PostgreSQL protocol bytes as binary messages; we pipe them both ways.
//
// Client setup: neonConfig.webSocketConstructor = ws; neonConfig.wsProxy = proxy.url;
// neonConfig.useSecureWebSocket = false; neonConfig.pipelineConnect = false;
// neonConfig.coalesceWrites = false.
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { closeServer, listen, trackSockets } from './http-util.js';

export type NeonWsProxyOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed upstream; when absent the driver's ?address=host:port is used. */
  target?: { host: string; port: number };
};

export type NeonWsProxy = {
  port: number;
  /** The value for neonConfig.wsProxy (host:port/path, no scheme: the driver adds ws://). */
  url: string;
  close(): Promise<void>;
  /** Open WebSocket connections right now. */
  connections(): number;
};

/** One client WebSocket and its PostgreSQL socket. */
type Pair = { ws: WebSocket; tcp: Socket | undefined };

// Close codes: 1011 = upstream failure, 1008 = bad request (no usable address).
const CLOSE_UPSTREAM = 1011;
const CLOSE_POLICY = 1008;

export async function startNeonWsProxy(options: NeonWsProxyOptions = {}): Promise<NeonWsProxy> {
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required\n');
  });
  const destroySockets = trackSockets(server);
  const wss = new WebSocketServer({ server });
  const pairs = new Set<Pair>();

  wss.on('connection', (ws, req) => {
    const upstream = options.target ?? parseAddress(req.url);
    if (!upstream) {
      ws.close(CLOSE_POLICY, 'missing or invalid ?address=host:port');
      return;
    }
    const pair: Pair = { ws, tcp: undefined };
    pairs.add(pair);
    pipe(pair, upstream, () => pairs.delete(pair));
  });
  // Errors on the listening side (or a bad handshake) must never take the process down.
  wss.on('error', () => undefined);

  const port = await listen(server, options.port ?? 0);
  return {
    port,
    url: `127.0.0.1:${port}/v2`,
    connections: () => pairs.size,
    close: async () => {
      for (const pair of pairs) {
        pair.tcp?.destroy();
        pair.ws.terminate();
      }
      pairs.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closeServer(server, destroySockets);
    },
  };
}

function pipe(pair: Pair, upstream: { host: string; port: number }, done: () => void): void {
  const { ws } = pair;
  const tcp = connect({ host: upstream.host, port: upstream.port });
  pair.tcp = tcp;
  tcp.setNoDelay(true);
  let finished = false;
  const finish = (code: number, reason: string) => {
    if (finished) return;
    finished = true;
    done();
    tcp.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
  };

  // net.Socket buffers writes made before 'connect', so early client bytes are not lost.
  ws.on('message', (data: RawData) => {
    if (!tcp.destroyed) tcp.write(toBuffer(data));
  });
  tcp.on('data', (chunk: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(chunk, { binary: true });
    // Backpressure: stop reading PostgreSQL while the client is slow to drain.
    if (ws.bufferedAmount > 1 << 20) {
      tcp.pause();
      const resume = setInterval(() => {
        if (ws.bufferedAmount < 1 << 18 || ws.readyState !== ws.OPEN) {
          clearInterval(resume);
          tcp.resume();
        }
      }, 5);
    }
  });
  tcp.on('error', () => finish(CLOSE_UPSTREAM, 'upstream error'));
  tcp.on('close', () => finish(1000, 'upstream closed'));
  ws.on('error', () => finish(CLOSE_UPSTREAM, 'websocket error'));
  ws.on('close', () => finish(1000, 'client closed'));
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Parses ?address=host:port from the upgrade URL (host may be [ipv6]). */
function parseAddress(url: string | undefined): { host: string; port: number } | undefined {
  const address = new URL(url ?? '/', 'http://proxy.local').searchParams.get('address');
  const match = address?.match(/^\[?([^\]]+?)\]?:(\d{1,5})$/);
  if (!match?.[1] || !match[2]) return undefined;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { host: match[1], port } : undefined;
}
