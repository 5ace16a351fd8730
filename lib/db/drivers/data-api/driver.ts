// RDS Data API driver (@aws-sdk/client-rds-data): SQL over signed HTTPS to Aurora, transactions by id.
// Interactive transactions yes (BeginTransaction / ExecuteStatement with transactionId / Commit / Rollback),
// savepoints no (nested transactions are refused), timeouts as transaction-local settings after BeginTransaction
// where the role's session defaults (read once per driver, role-defaults.ts) do not already give them.
import type { RDSDataClient, RDSDataClientConfig } from '@aws-sdk/client-rds-data';
import type { DriverConnection, DriverImplementation } from '../../driver';
import { RoleDefaults } from '../role-defaults';
import { DataApiConnection, type Commands, type DataApiTarget } from './connection';

export type DataApiDriverOptions = DataApiTarget & {
  /** Endpoint override (a local endpoint); undefined = the regional AWS endpoint. */
  endpoint: string | undefined;
  region: string | undefined;
  resumeBudgetMs: number;
  transactionExpiryMs: number;
};

type Loaded = { client: RDSDataClient; commands: Commands };

export class DataApiDriver implements DriverImplementation {
  readonly name = 'data-api';
  private loaded: Promise<Loaded> | undefined;
  /** One per driver (per container): every lease reaches the same role and database. */
  private readonly roleDefaults = new RoleDefaults(['statementMs', 'lockMs', 'idleInTransactionMs']);

  constructor(private readonly options: DataApiDriverOptions) {}

  async connect(): Promise<DriverConnection> {
    const { client, commands } = await this.load();
    const { resourceArn, secretArn, database, resumeBudgetMs, transactionExpiryMs } = this.options;
    const target = { resourceArn, secretArn, database };
    return new DataApiConnection({ client, commands, target, resumeBudgetMs, transactionExpiryMs, roleDefaults: this.roleDefaults });
  }

  async close(): Promise<void> {
    const pending = this.loaded;
    this.loaded = undefined;
    if (pending) (await pending).client.destroy();
  }

  private load(): Promise<Loaded> {
    // Imported on first use so functions on other drivers never load the SDK.
    this.loaded ??= import('@aws-sdk/client-rds-data').then((commands) => ({
      client: new commands.RDSDataClient(clientConfig(this.options)),
      commands,
    }));
    return this.loaded;
  }
}

function clientConfig(o: DataApiDriverOptions): RDSDataClientConfig {
  // The layer decides what is retried (and resumes are waited for per call): the SDK never repeats a statement.
  const config: RDSDataClientConfig = { maxAttempts: 1 };
  if (o.region) config.region = o.region;
  if (o.endpoint) {
    config.endpoint = o.endpoint;
    config.region ??= process.env.AWS_REGION ?? 'us-east-1';
    // A local endpoint accepts any signature; real credentials are only looked up for AWS.
    if (isLoopback(o.endpoint) && !process.env.AWS_ACCESS_KEY_ID) config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  return config;
}

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}
