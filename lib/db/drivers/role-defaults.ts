// The HTTP drivers (data-api, neon-http) cannot send startup parameters: the session defaults of their server
// connections come from the role (ALTER ROLE ... [IN DATABASE ...] SET, docs/OPERATIONS.md), the database or the
// server. A driver instance learns them from the first transaction's own set_config statement (no call of its own),
// then a transaction whose limits equal them sends no set_config at all, and one that differs (a deadline lowered a
// limit, no role defaults) sends the differing limits exactly as before. Unknown or unreadable means "send".
import type { ServerTimeouts } from '../timeouts';

export type TimeoutSetting = keyof ServerTimeouts;

/** PostgreSQL's name for each of the layer's server-side limits (values in ms; 0 = off). */
export const SETTING_NAMES: Readonly<Record<TimeoutSetting, string>> = {
  statementMs: 'statement_timeout',
  lockMs: 'lock_timeout',
  idleInTransactionMs: 'idle_in_transaction_session_timeout',
};

/** Read again after this long, so an operator's ALTER ROLE reaches a warm container (at the cost of one set_config). */
export const ROLE_DEFAULTS_MAX_AGE_MS = 60_000;

/**
 * "name=ms,..." of the session defaults. reset_val is what RESET would restore: the role's (or database's, server's)
 * default, which neither set_config(..., true) in the same statement nor a SET in the session changes.
 */
const READ_DEFAULTS =
  "(SELECT string_agg(name || '=' || reset_val, ',') FROM pg_settings WHERE name IN (" +
  Object.values(SETTING_NAMES)
    .map((n) => `'${n}'`)
    .join(', ') +
  ')) AS role_timeouts';

export type TimeoutsStatement = {
  /** A SELECT of set_config(..., true) calls: transaction-local, gone with the transaction. */
  sql: string;
  /** Its last column is the defaults, for record(). */
  readsDefaults: boolean;
};

export class RoleDefaults {
  private known: Partial<Record<TimeoutSetting, number>> | undefined;
  private readAt = 0;

  /** `settings`: the limits this driver sets per transaction; `now`: the clock (tests age the defaults with it). */
  constructor(
    private readonly settings: readonly TimeoutSetting[],
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * What a transaction with limits `t` must send: nothing when the session defaults give every limit; the
   * differing limits when the defaults are known; every limit plus a read of the defaults while they are unknown or old.
   */
  statementFor(t: ServerTimeouts): TimeoutsStatement | undefined {
    const known = this.known !== undefined && this.now() - this.readAt < ROLE_DEFAULTS_MAX_AGE_MS ? this.known : undefined;
    const send = known ? this.settings.filter((s) => known[s] !== t[s]) : this.settings;
    if (send.length === 0) return undefined;
    // Interpolated: String() of a number can never close the quote.
    const items = send.map((s) => `set_config('${SETTING_NAMES[s]}', '${Math.max(1, Math.floor(t[s]))}', true)`);
    if (!known) items.push(READ_DEFAULTS);
    return { sql: `SELECT ${items.join(', ')}`, readsDefaults: !known };
  }

  /** Takes the last column of a statement whose readsDefaults was set; anything unreadable leaves them unknown. */
  record(value: unknown): void {
    this.known = parse(value);
    this.readAt = this.now();
  }
}

function parse(value: unknown): Partial<Record<TimeoutSetting, number>> | undefined {
  if (typeof value !== 'string') return undefined;
  const byName = new Map(value.split(',').map((pair) => pair.split('=') as [string, string | undefined]));
  const out: Partial<Record<TimeoutSetting, number>> = {};
  for (const [setting, name] of Object.entries(SETTING_NAMES) as [TimeoutSetting, string][]) {
    const text = byName.get(name);
    // pg_settings reports these in their base unit (ms) as a plain integer.
    if (text !== undefined && /^\d+$/.test(text)) out[setting] = Number(text);
  }
  return out;
}
