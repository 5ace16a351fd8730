// Init probe: lib/db and a database made at module scope, as every function does (no connection until used).
import { createDatabase } from '../../../lib/db';

const db = createDatabase({ url: 'postgres://probe@127.0.0.1:1/probe', driver: 'pg', env: {} });
export const handler = async (): Promise<unknown> => db.config.poolMax;
