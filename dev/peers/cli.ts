// Starts one local peer by hand:
//   tsx dev/peers/cli.ts neon-ws|neon-http|data-api [--port N] [--target host:port | postgres://user:password@host:port]
// prints where it listens and how to point the real client at it; Ctrl-C closes it. --target is the PostgreSQL the
// peer fronts (default 127.0.0.1:5432; a throwaway cluster, another port); a URL's user and password are what the
// Data API's secret would hold (neon-http and neon-ws take them from the client's connection string).
import { startDataApiEndpoint } from './data-api-endpoint.js';
import { startNeonHttpEndpoint } from './neon-http-endpoint.js';
import { startNeonWsProxy } from './neon-ws-proxy.js';

type Started = { close(): Promise<void>; usage: string };
type Target = { host: string; port: number; user?: string; password?: string };

const PEERS: Record<string, (port: number, target: Target | undefined) => Promise<Started>> = {
  'neon-ws': async (port, target) => {
    const peer = await startNeonWsProxy({ port, target: target && { host: target.host, port: target.port } });
    return {
      close: peer.close,
      usage: [
        `Neon WebSocket proxy on ws://${peer.url}`,
        `  import ws from 'ws'; import { neonConfig, Pool } from '@neondatabase/serverless';`,
        `  neonConfig.webSocketConstructor = ws;`,
        `  neonConfig.wsProxy = '${peer.url}';`,
        `  neonConfig.useSecureWebSocket = false;`,
        `  neonConfig.pipelineConnect = false;`,
        `  neonConfig.coalesceWrites = false;`,
        `  new Pool({ connectionString: 'postgresql://postgres@127.0.0.1:5432/<database>' })`,
      ].join('\n'),
    };
  },
  'neon-http': async (port, target) => {
    const peer = await startNeonHttpEndpoint({ port, pgHost: target?.host, pgPort: target?.port });
    return {
      close: peer.close,
      usage: [
        `Neon SQL-over-HTTP endpoint on ${peer.url}`,
        `  import { neon, neonConfig } from '@neondatabase/serverless';`,
        `  neonConfig.fetchEndpoint = '${peer.url}';`,
        `  const sql = neon('postgresql://<user>:<password>@${target?.host ?? '127.0.0.1'}:${target?.port ?? 5432}/<database>');`,
        `  (the password is checked by that PostgreSQL; a trusting one accepts any)`,
      ].join('\n'),
    };
  },
  'data-api': async (port, target) => {
    const peer = await startDataApiEndpoint({ port, pgHost: target?.host, pgPort: target?.port, pgUser: target?.user, pgPassword: target?.password });
    return {
      close: peer.close,
      usage: [
        `RDS Data API endpoint on ${peer.url}`,
        `  new RDSDataClient({ endpoint: '${peer.url}', region: 'us-east-1',`,
        `    credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })`,
        `  any resourceArn/secretArn; database: '<database>'`,
      ].join('\n'),
    };
  },
};

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : (args[index + 1] ?? '');
}

function portNumber(raw: string, what: string, min: number): number {
  const port = Number(raw);
  if (raw === '' || !Number.isInteger(port) || port < min || port > 65535) throw new Error(`${what} must be an integer ${min}-65535, got "${raw}"`);
  return port;
}

function parsePort(args: string[]): number {
  const raw = option(args, '--port');
  return raw === undefined ? 0 : portNumber(raw, '--port', 0);
}

/** --target host:port, or a postgres:// URL (its user and password are used where the peer holds credentials). */
function parseTarget(raw: string | undefined): Target | undefined {
  if (raw === undefined) return undefined;
  if (raw.includes('://')) {
    const url = new URL(raw);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error(`--target URL must be postgres://..., got "${url.protocol}"`);
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port ? portNumber(url.port, '--target port', 1) : 5432,
      user: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
    };
  }
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(raw);
  if (!match) throw new Error(`--target must be host:port or postgres://user:password@host:port, got "${raw}"`);
  return { host: match[1]!, port: portNumber(match[2]!, '--target port', 1) };
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const start = name ? PEERS[name] : undefined;
  if (!start) {
    console.error(`usage: tsx dev/peers/cli.ts ${Object.keys(PEERS).join('|')} [--port N] [--target host:port | postgres://user:password@host:port]`);
    process.exitCode = 2;
    return;
  }
  const target = parseTarget(option(rest, '--target'));
  const peer = await start(parsePort(rest), target);
  if (target) console.log(`fronting PostgreSQL at ${target.host}:${target.port}`);
  console.log(peer.usage);
  console.log('Ctrl-C to stop.');
  const stop = () => {
    peer.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
