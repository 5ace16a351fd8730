// The database settings a deployed function receives through SST links rather than plain environment variables:
// the connection string of the `DatabaseUrl` link (the Neon secret of the stage; in `sst dev`, the local database).
// The environment wins (local server, tests, scripts), so a function reads the link only when it was deployed so.
import { Resource } from 'sst/resource';
import type { DbConfigInput, DbLogger } from '../db';
import { dbLogger } from './logger';

type Env = Record<string, string | undefined>;
/** The part of `Resource` read here (sst-env.d.ts types the whole; a link may be absent). */
type Links = { DatabaseUrl?: { value?: unknown } };

/** `url` from the DatabaseUrl link when DATABASE_URL is not set and the link exists; nothing otherwise. */
export function linkedDatabaseSettings(env: Env = process.env, links: Links = linkedResources()): Pick<DbConfigInput, 'url'> {
  if (env.DATABASE_URL?.trim()) return {};
  const url = links.DatabaseUrl?.value;
  return typeof url === 'string' && url !== '' ? { url } : {};
}

/** The options every function's database is created with: the Lambda logger and the linked settings. */
export function lambdaDatabaseOptions(): { logger: DbLogger } & Pick<DbConfigInput, 'url'> {
  return { logger: dbLogger, ...linkedDatabaseSettings() };
}

/** The linked resources, read without throwing for a missing one (`in` never throws; a lookup would). */
function linkedResources(): Links {
  return 'DatabaseUrl' in Resource ? { DatabaseUrl: (Resource as unknown as Links).DatabaseUrl } : {};
}
