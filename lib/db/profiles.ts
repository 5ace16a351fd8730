// Proxy profiles: how a pg-protocol connection may apply timeouts and statements behind each kind of proxy.
import type { ProxyProfileName } from './config';

export type ProxyProfile = {
  readonly name: Exclude<ProxyProfileName, 'auto'>;
  /** Session-wide timeouts may be sent as startup parameters (a transaction pooler rejects them). */
  readonly startupParameters: boolean;
  /** Named (server-side) prepared statements are allowed. */
  readonly namedStatements: boolean;
  /** Timeouts come from ALTER ROLE ... SET (RDS Proxy: SET would pin the client to one connection). */
  readonly roleDefaultTimeouts: boolean;
  /** SET LOCAL in the BEGIN round trip is allowed (it does not outlive the transaction). */
  readonly setLocal: boolean;
};

export const PROFILES: Record<ProxyProfile['name'], ProxyProfile> = {
  direct: { name: 'direct', startupParameters: true, namedStatements: true, roleDefaultTimeouts: false, setLocal: true },
  pgbouncer: { name: 'pgbouncer', startupParameters: false, namedStatements: false, roleDefaultTimeouts: false, setLocal: true },
  // RDS Proxy pins on SET (even SET LOCAL is tracked as a session-state change), so timeouts are role defaults.
  'rds-proxy': { name: 'rds-proxy', startupParameters: false, namedStatements: false, roleDefaultTimeouts: true, setLocal: false },
};

const RDS_PROXY_HOST = /\.proxy-[a-z0-9]+\.[a-z0-9-]+\.rds\.amazonaws\.com(\.cn)?$/i;
const NEON_POOLER_HOST = /^[a-z0-9-]+-pooler\.[a-z0-9.-]+\.neon\.tech$/i;
const PGBOUNCER_PORT = '6432';

/** Detects the profile from the URL's host (RDS Proxy and Neon pooler patterns); `explicit` wins. */
export function resolveProfile(explicit: ProxyProfileName, url: string | undefined): ProxyProfile {
  if (explicit !== 'auto') return PROFILES[explicit];
  if (!url) return PROFILES.direct;
  let host = '';
  let port = '';
  try {
    const u = new URL(url);
    host = u.hostname;
    port = u.port;
  } catch {
    return PROFILES.direct;
  }
  if (RDS_PROXY_HOST.test(host)) return PROFILES['rds-proxy'];
  if (NEON_POOLER_HOST.test(host) || port === PGBOUNCER_PORT) return PROFILES.pgbouncer;
  return PROFILES.direct;
}
