// Loads the configured driver's module with import() and builds it from the config: only the driver in use is
// ever loaded. Each driver imports its npm package(s) with import() at its first connect too, so a bundle that
// leaves the other drivers' packages external still loads (a static import of an external is hoisted to the top).
import type { DbConfig } from '../config';
import type { DriverImplementation } from '../driver';
import type { ProxyProfile } from '../profiles';
import type { IamEndpoint } from './pg/iam-token';

export async function loadDriver(config: DbConfig, profile: ProxyProfile): Promise<DriverImplementation> {
  const startupTimeouts = {
    statementMs: config.statementTimeoutMs,
    lockMs: config.lockTimeoutMs,
    idleInTransactionMs: config.idleInTransactionTimeoutMs,
  };
  switch (config.driver) {
    case 'pglite': {
      const { PgliteDriver } = await import('./pglite');
      return new PgliteDriver({ dataDir: config.pgliteDataDir });
    }
    case 'pg': {
      const { PgDriver, IamTokenSource, rdsSigner } = await import('./pg');
      const password = config.iamAuth ? new IamTokenSource(rdsSigner(iamEndpointOf(config))).token : undefined;
      return new PgDriver({ url: config.url!, applicationName: config.applicationName, profile, startupTimeouts, password });
    }
    case 'neon-ws': {
      const { NeonWsDriver } = await import('./neon-ws');
      return new NeonWsDriver({
        url: config.url!,
        applicationName: config.applicationName,
        profile,
        startupTimeouts,
        ws: {
          proxy: config.neonWsProxy,
          secure: config.neonSecureWebSocket,
          pipelineConnect: config.neonPipelineConnect,
          coalesceWrites: config.neonCoalesceWrites,
        },
      });
    }
    case 'neon-http': {
      const { NeonHttpDriver } = await import('./neon-http');
      return new NeonHttpDriver({ url: config.url!, fetchEndpoint: config.neonFetchEndpoint });
    }
    case 'data-api': {
      const { DataApiDriver } = await import('./data-api');
      return new DataApiDriver({
        resourceArn: config.dataApiResourceArn!,
        secretArn: config.dataApiSecretArn!,
        database: config.dataApiDatabase!,
        endpoint: config.dataApiEndpoint,
        region: config.dataApiRegion,
        // An Aurora database resuming from auto-pause is waited for like a connection being opened.
        resumeBudgetMs: config.connectTimeoutMs,
        transactionExpiryMs: config.dataApiTransactionExpiryMs,
      });
    }
  }
}

/** What an IAM token is signed for: the host, port and user of the URL (config.ts checked its shape). */
function iamEndpointOf(config: DbConfig): IamEndpoint {
  const u = new URL(config.url!);
  return { hostname: u.hostname, port: u.port ? Number(u.port) : 5432, username: decodeURIComponent(u.username), region: config.iamRegion };
}
