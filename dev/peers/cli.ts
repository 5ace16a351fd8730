// Starts one local peer by hand:
//   tsx dev/peers/cli.ts neon-ws|neon-http|data-api [--port N]
// prints where it listens and how to point the real client at it; Ctrl-C closes it.
import { startDataApiEndpoint } from './data-api-endpoint.js';
import { startNeonHttpEndpoint } from './neon-http-endpoint.js';
import { startNeonWsProxy } from './neon-ws-proxy.js';

type Started = { close(): Promise<void>; usage: string };

const PEERS: Record<string, (port: number) => Promise<Started>> = {
  'neon-ws': async (port) => {
    const peer = await startNeonWsProxy({ port });
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
  'neon-http': async (port) => {
    const peer = await startNeonHttpEndpoint({ port });
    return {
      close: peer.close,
      usage: [
        `Neon SQL-over-HTTP endpoint on ${peer.url}`,
        `  import { neon, neonConfig } from '@neondatabase/serverless';`,
        `  neonConfig.fetchEndpoint = '${peer.url}';`,
        `  const sql = neon('postgresql://postgres:any@127.0.0.1:5432/<database>');`,
      ].join('\n'),
    };
  },
  'data-api': async (port) => {
    const peer = await startDataApiEndpoint({ port });
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

function parsePort(args: string[]): number {
  const index = args.indexOf('--port');
  if (index === -1) return 0;
  const port = Number(args[index + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got "${args[index + 1] ?? ''}"`);
  return port;
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const start = name ? PEERS[name] : undefined;
  if (!start) {
    console.error(`usage: tsx dev/peers/cli.ts ${Object.keys(PEERS).join('|')} [--port N]`);
    process.exitCode = 2;
    return;
  }
  const peer = await start(parsePort(rest));
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
