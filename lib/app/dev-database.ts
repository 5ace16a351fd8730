// The local PostgreSQL that `sst dev` points the functions at: the Aurora targets' `dev` database, and the Neon
// target's fallback when the stage has no DatabaseUrl secret. DEV_DATABASE_URL at `sst dev` time, else the default.

export const DEV_DATABASE_URL_ENV = 'DEV_DATABASE_URL';
export const DEFAULT_DEV_DATABASE_URL = 'postgresql://postgres:postgres@localhost:5432/gaia_validator';

export type DevDatabase = { url: string; host: string; port: number; username: string; password: string; database: string };

/** The parts SST's Aurora `dev` option takes. No URL class: this file is also typechecked for infra/ (no DOM/Node lib). */
export function devDatabaseFor(raw: string | undefined): DevDatabase {
  const url = raw?.trim() || DEFAULT_DEV_DATABASE_URL;
  const m = /^postgres(?:ql)?:\/\/([^:@/?#]+)(?::([^@/?#]*))?@([^:/?#]+)(?::(\d+))?\/([^/?#]+)(?:\?.*)?$/i.exec(url);
  if (!m) throw new Error(`${DEV_DATABASE_URL_ENV} must look like postgresql://user:password@host:port/database`);
  const [, username, password, host, port, database] = m as unknown as [string, string, string | undefined, string, string | undefined, string];
  return { url, host, port: port ? Number(port) : 5432, username: decodeURIComponent(username), password: decodeURIComponent(password ?? ''), database: decodeURIComponent(database) };
}
