// Admin routes: `Authorization: Bearer <token>` against the configured admin token, compared in constant time.
// Without a configured token the routes are closed (503), never open.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ApiErrorCode, HttpError } from './http-error';
import { configuredValue } from './linked-secret';

export const ADMIN_TOKEN_ENV = 'ADMIN_TOKEN';
/** A shorter token is treated as not configured: guessable secrets must not open the admin routes. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;
const REALM = 'gaia-validator-admin';

type Env = Record<string, string | undefined>;

/**
 * The configured admin token. Precedence: ADMIN_TOKEN in the environment (local server, tests) > the SST secret
 * `AdminToken` linked to the admin routes (infra/secrets.ts). Read per request, so a rotated secret applies at once.
 */
export async function configuredAdminToken(env: Env = process.env): Promise<string | undefined> {
  return configuredValue(ADMIN_TOKEN_ENV, 'AdminToken', env);
}

/** Equal-length digests make the comparison independent of where (or whether) the token differs. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The bearer token of an Authorization header, or undefined when absent or of another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header ?? '');
  return match?.[1];
}

/** Throws 401 (missing or wrong token) or 503 (no token configured); returns when the caller is the admin. */
export async function requireAdmin(event: Pick<APIGatewayProxyEventV2, 'headers'>, env: Env = process.env): Promise<void> {
  const expected = await configuredAdminToken(env);
  if (expected === undefined || expected.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new HttpError(503, ApiErrorCode.UNAVAILABLE, 'admin token not configured');
  }
  const given = bearerToken(event.headers?.authorization);
  if (given === undefined) {
    throw new HttpError(401, ApiErrorCode.UNAUTHORIZED, 'this route needs Authorization: Bearer <admin token>', {
      headers: { 'www-authenticate': `Bearer realm="${REALM}"` },
    });
  }
  if (!tokensMatch(given, expected)) {
    throw new HttpError(401, ApiErrorCode.UNAUTHORIZED, 'invalid admin token', {
      headers: { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_token"` },
    });
  }
}
