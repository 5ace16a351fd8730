// Settings of the proxy-aware drivers: what each requires, refused with the variable's name before any connection.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/db';
import { DATA_API_ARNS } from './helpers';

const configError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('driver settings', () => {
  it('requires the Data API cluster, secret and database, but no URL', () => {
    // Act
    const missing = configError(() => loadConfig({ driver: 'data-api' }, {}));
    const notArn = configError(() => loadConfig({ driver: 'data-api', ...DATA_API_ARNS, dataApiSecretArn: 'secret', dataApiDatabase: 'db' }, {}));
    const fromEnv = loadConfig({}, {
      DB_DRIVER: 'data-api',
      DB_DATA_API_RESOURCE_ARN: DATA_API_ARNS.dataApiResourceArn,
      DB_DATA_API_SECRET_ARN: DATA_API_ARNS.dataApiSecretArn,
      DB_DATA_API_DATABASE: 'validator',
      DB_DATA_API_ENDPOINT: 'http://127.0.0.1:9999',
    });

    // Assess
    expect(missing).toContain('DB_DATA_API_RESOURCE_ARN');
    expect(notArn).toContain('DB_DATA_API_SECRET_ARN');
    expect(fromEnv).toMatchObject({ driver: 'data-api', dataApiDatabase: 'validator', dataApiEndpoint: 'http://127.0.0.1:9999', url: undefined });
  });

  it('reads the Neon WebSocket settings and refuses a proxy with a scheme', () => {
    // Act
    const local = loadConfig({}, {
      DATABASE_URL: 'postgres://u@127.0.0.1/db',
      DB_DRIVER: 'neon-ws',
      DB_NEON_WS_PROXY: '127.0.0.1:4444/v2',
      DB_NEON_SECURE_WEBSOCKET: 'false',
      DB_NEON_PIPELINE_CONNECT: 'false',
      DB_NEON_COALESCE_WRITES: 'false',
    });
    const defaults = loadConfig({ url: 'postgres://u@ep-x.aws.neon.tech/db', driver: 'neon-ws' }, {});
    const scheme = configError(() => loadConfig({ url: 'postgres://u@h/db', driver: 'neon-ws', neonWsProxy: 'ws://127.0.0.1:4444/v2' }, {}));

    // Assess
    expect(local).toMatchObject({ neonWsProxy: '127.0.0.1:4444/v2', neonSecureWebSocket: false, neonPipelineConnect: false, neonCoalesceWrites: false });
    expect(defaults).toMatchObject({ neonWsProxy: undefined, neonSecureWebSocket: true, neonPipelineConnect: true, neonCoalesceWrites: true });
    expect(scheme).toContain('DB_NEON_WS_PROXY');
  });

  it('refuses endpoints that are not http(s) URLs and unknown transaction modes', () => {
    // Act
    const fetchEndpoint = configError(() => loadConfig({ url: 'postgres://u@h/db', driver: 'neon-http', transactions: 'batch-only', neonFetchEndpoint: '127.0.0.1/sql' }, {}));
    const mode = configError(() => loadConfig({}, { DB_TRANSACTIONS: 'sometimes' }));

    // Assess
    expect(fetchEndpoint).toContain('DB_NEON_FETCH_ENDPOINT');
    expect(mode).toContain('DB_TRANSACTIONS');
  });
});
