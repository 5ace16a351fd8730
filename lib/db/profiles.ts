// Proxy profiles: how a connection may apply timeouts and which statements it must not send behind each kind of
// proxy. The rules are data; statement-rules.ts applies them (with the rules of every profile) before sending.
import type { DriverName, ProxyProfileName } from './config';

/** A statement shape a profile refuses or retires a connection for, and why. */
export type StatementRule = { readonly pattern: RegExp; readonly reason: string };

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
  /** Statements refused before sending: they would leak session state through the pooler, or pin the client. */
  readonly refuses: readonly StatementRule[];
  /**
   * Statements sent, but whose connection is closed when released instead of pooled: what they leave in the server
   * session (a temporary table, a LISTEN, a session lock) must not reach the next session of the pool.
   */
  readonly retires: readonly StatementRule[];
};

// Rules match the statement's code (literals and comments removed), lower-cased, one statement at a time.
// Session-level SET / RESET and transaction control are refused on every profile (statement-rules.ts).
const SESSION_STATE: readonly StatementRule[] = [
  { pattern: /^(?:listen|unlisten)\b/, reason: 'LISTEN needs a session of its own' },
  { pattern: /^(?:prepare|execute|deallocate)\b/, reason: 'SQL-level prepared statements live in the server session' },
  { pattern: /^create\s+(?:(?:global|local)\s+)?temp(?:orary)?\b/, reason: 'temporary objects live in the server session' },
  { pattern: /^declare\b.*\bwith\s+hold\b/s, reason: 'a holdable cursor outlives its transaction' },
  { pattern: /^load\b/, reason: 'LOAD changes the server session' },
  { pattern: /\bpg_(?:try_)?advisory_lock(?:_shared)?\s*\(/, reason: 'session-level advisory locks stay with the server connection; use pg_advisory_xact_lock' },
];

// AWS: RDS Proxy pins on SET (any), set_config, sequence functions, advisory locks, temp objects, cursors, DISCARD.
const PINNING: readonly StatementRule[] = [
  ...SESSION_STATE,
  { pattern: /^set\b/, reason: 'RDS Proxy pins the client on any SET (SET LOCAL included); timeouts come from role defaults' },
  { pattern: /\bset_config\s*\(/, reason: 'RDS Proxy pins the client on set_config()' },
  { pattern: /\b(?:nextval|setval|currval|lastval)\s*\(/, reason: 'RDS Proxy pins the client on explicit sequence functions; use column defaults (serial/identity) and RETURNING' },
  { pattern: /\bpg_(?:try_)?advisory_(?:xact_)?(?:un)?lock(?:_shared)?\s*\(/, reason: 'RDS Proxy pins the client on advisory locks' },
  { pattern: /^declare\b/, reason: 'RDS Proxy pins the client on cursors' },
  { pattern: /^discard\b/, reason: 'RDS Proxy pins the client on DISCARD' },
];

export const PROFILES: Record<ProxyProfile['name'], ProxyProfile> = {
  // The connection is ours alone, but the pool hands it to the next session: session state retires it.
  direct: { name: 'direct', startupParameters: true, namedStatements: true, roleDefaultTimeouts: false, setLocal: true, refuses: [], retires: SESSION_STATE },
  pgbouncer: { name: 'pgbouncer', startupParameters: false, namedStatements: false, roleDefaultTimeouts: false, setLocal: true, refuses: SESSION_STATE, retires: [] },
  // RDS Proxy pins on SET (the AWS list names "SET commands" with no exception for SET LOCAL), so timeouts are
  // role defaults written by scripts/rds-proxy-role-timeouts.sql.
  'rds-proxy': { name: 'rds-proxy', startupParameters: false, namedStatements: false, roleDefaultTimeouts: true, setLocal: false, refuses: PINNING, retires: [] },
};

const RDS_PROXY_HOST = /\.proxy-[a-z0-9]+\.[a-z0-9-]+\.rds\.amazonaws\.com(\.cn)?$/i;
const NEON_POOLER_HOST = /^[a-z0-9-]+-pooler\.[a-z0-9.-]+\.neon\.tech$/i;
const PGBOUNCER_PORT = '6432';
/** Drivers whose every request may run on a different server connection: transaction-pooling rules apply. */
const HTTP_DRIVERS: readonly DriverName[] = ['neon-http', 'data-api'];

export type ProfileChoice = { profile: ProxyProfile; /** Why this profile: logged once with the first session. */ reason: string };

export type DetectOptions = {
  driver?: DriverName;
  /** PgBouncer 1.21+ with max_prepared_statements > 0 (DB_PREPARED_STATEMENTS): named statements allowed. */
  preparedStatements?: boolean;
  /** RDS Proxy: pinning statements allowed (DB_ALLOW_PINNING; a one-off unit such as the migrations). */
  allowPinning?: boolean;
};

/** Chooses the profile: explicit setting, else the driver kind, else the URL's host and port. */
export function detectProfile(explicit: ProxyProfileName, url: string | undefined, options: DetectOptions = {}): ProfileChoice {
  const choice = detect(explicit, url, options.driver);
  if (choice.profile.name === 'pgbouncer' && options.preparedStatements) {
    return { profile: { ...choice.profile, namedStatements: true }, reason: `${choice.reason}; named statements allowed (DB_PREPARED_STATEMENTS)` };
  }
  if (choice.profile.name === 'rds-proxy' && options.allowPinning) {
    // Pinning only costs the proxy one server connection for this client's life; session state must still not leak.
    return { profile: { ...choice.profile, refuses: SESSION_STATE }, reason: `${choice.reason}; pinning statements allowed (DB_ALLOW_PINNING)` };
  }
  return choice;
}

function detect(explicit: ProxyProfileName, url: string | undefined, driver: DriverName | undefined): ProfileChoice {
  if (explicit !== 'auto') return { profile: PROFILES[explicit], reason: `configured (DB_PROXY_PROFILE=${explicit})` };
  if (driver && HTTP_DRIVERS.includes(driver)) {
    return { profile: PROFILES.pgbouncer, reason: `driver ${driver}: each request may run on a different server connection` };
  }
  if (!url) return { profile: PROFILES.direct, reason: 'no DATABASE_URL' };
  let host = '';
  let port = '';
  try {
    const u = new URL(url);
    host = u.hostname;
    port = u.port;
  } catch {
    return { profile: PROFILES.direct, reason: 'DATABASE_URL host not parsable' };
  }
  if (RDS_PROXY_HOST.test(host)) return { profile: PROFILES['rds-proxy'], reason: 'host matches *.proxy-*.rds.amazonaws.com' };
  if (NEON_POOLER_HOST.test(host)) return { profile: PROFILES.pgbouncer, reason: 'host matches *-pooler.*.neon.tech' };
  if (port === PGBOUNCER_PORT) return { profile: PROFILES.pgbouncer, reason: `port ${PGBOUNCER_PORT} (PgBouncer's default)` };
  return { profile: PROFILES.direct, reason: 'no proxy detected from host or port' };
}
