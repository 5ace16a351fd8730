// The local admin token: ADMIN_TOKEN from the environment, else a token kept in the data folder
// (generated once, file mode 0600) so it survives restarts. The token itself is never printed.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ADMIN_TOKEN_ENV, MIN_ADMIN_TOKEN_LENGTH } from '../../lib/api';

export type AdminTokenSource = { token: string; source: string };

export function resolveAdminToken(env: Record<string, string | undefined>, file: string): AdminTokenSource {
  const fromEnv = env[ADMIN_TOKEN_ENV];
  if (fromEnv) {
    if (fromEnv.length < MIN_ADMIN_TOKEN_LENGTH) {
      throw new Error(`${ADMIN_TOKEN_ENV} must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
    }
    return { token: fromEnv, source: `the ${ADMIN_TOKEN_ENV} environment variable` };
  }
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= MIN_ADMIN_TOKEN_LENGTH) return { token: stored, source: file };
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, source: `${file} (generated)` };
}
