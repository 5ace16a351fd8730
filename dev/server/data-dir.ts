// The local server's data folder holds secrets (admin token, validator key, the PGlite password is in memory only)
// and the database: created readable by its owner only.
import { chmodSync, mkdirSync, statSync } from 'node:fs';

/** Creates `dir` with mode 0700; returns a warning when it already existed with access for others (left as is). */
export function privateDataDir(dir: string): string | undefined {
  const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) {
    chmodSync(dir, 0o700); // whatever the umask
    return undefined;
  }
  const mode = statSync(dir).mode & 0o777;
  return (mode & 0o077) === 0 ? undefined : `${dir} is mode ${mode.toString(8)}: others can read the admin token and the data (chmod 700 ${dir})`;
}
