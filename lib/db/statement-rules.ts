// What a caller may send, by where it runs. The pool hands a connection to the next session, so nothing a
// statement leaves in the server session may outlive it: transaction control belongs to session.transaction(),
// and session-level settings would reach every later session. Both are refused on every profile, before sending,
// with what to use instead. Each profile adds its own refusals (a pooler's session state, RDS Proxy's pinning)
// and, on a direct connection, the session state that closes the connection at release instead of pooling it.
// Verdicts read the statement's code only (sql-scan.ts) and are decided once per text (text-memo.ts).
import { StatementRefusedError } from './errors';
import type { ProxyProfile, StatementRule } from './profiles';
import { codeOnly } from './sql-scan';
import { memoByText } from './text-memo';

/** Where a statement runs: on its own (autocommit: session.query, session.db) or inside session.transaction(). */
export type StatementScope = 'autocommit' | 'transaction';

/** Send it; refuse it (the command and the message naming what to use instead); or send it and retire the connection. */
export type StatementVerdict = { readonly refused?: { readonly statement: string; readonly message: string }; readonly retire?: true };

type Rule = { readonly statement: string; readonly test: (statement: string) => boolean; readonly message: string };

const ALLOWED: StatementVerdict = Object.freeze({});
const RETIRE: StatementVerdict = Object.freeze({ retire: true });

const TRANSACTION_CONTROL = /^(?:begin|start\s+transaction|commit|end|rollback|abort|savepoint|release|prepare\s+transaction)\b/;
const matches = (pattern: RegExp) => (s: string) => pattern.test(s);

const AUTOCOMMIT: readonly Rule[] = [
  {
    statement: 'BEGIN',
    test: matches(/^(?:begin|start\s+transaction)\b/),
    message:
      'BEGIN refused outside session.transaction(): the pooled connection would go back inside its transaction, for the next session to inherit; use session.transaction(fn) (through drizzle: session.db.transaction(fn))',
  },
  {
    statement: 'transaction control',
    test: matches(TRANSACTION_CONTROL),
    message:
      'transaction control refused outside session.transaction(): there is no transaction of yours to end here; use session.transaction(fn), which commits when fn resolves and rolls back when it throws (a savepoint is tx.transaction(fn))',
  },
];

const IN_TRANSACTION: readonly Rule[] = [
  {
    statement: 'transaction control',
    test: matches(TRANSACTION_CONTROL),
    message:
      'transaction control refused inside session.transaction(): the transaction commits when its callback resolves and rolls back when it throws or calls tx.rollback(); a savepoint is tx.transaction(fn)',
  },
];

const SESSION_SETTINGS: readonly Rule[] = [
  {
    statement: 'SET ROLE',
    test: matches(/^set\s+(?:session\s+)?(?:session\s+authorization|role)\b/),
    message:
      'SET SESSION AUTHORIZATION / SET ROLE refused: the pooled connection would keep the role for every later session; use SET LOCAL ROLE inside session.transaction(), or connect as that role (DATABASE_URL)',
  },
  {
    statement: 'SET',
    test: matches(/^set\s+(?!local\b|transaction\b|constraints\b)/),
    message:
      'session-level SET refused: it outlives the session on the pooled connection (inside a transaction too, once committed); use SET LOCAL inside session.transaction(), or the configuration (DB_* settings, role defaults)',
  },
  {
    statement: 'RESET',
    test: matches(/^reset\b/),
    message:
      "RESET refused: it changes what the pooled connection carries into later sessions (RESET ALL drops the layer's own timeouts); use SET LOCAL inside session.transaction(), which ends with it",
  },
  {
    statement: 'set_config',
    test: setsSessionConfig,
    message: 'set_config(..., false) refused: it is a session-level SET; pass true (transaction-local) inside session.transaction()',
  },
];

/** The rules of one profile, each verdict decided once per statement text and scope. */
export class StatementRules {
  private readonly autocommit: (text: string) => StatementVerdict;
  private readonly transaction: (text: string) => StatementVerdict;

  constructor(profile: ProxyProfile) {
    this.autocommit = memoByText((text) => judge(profile, AUTOCOMMIT, text));
    this.transaction = memoByText((text) => judge(profile, IN_TRANSACTION, text));
  }

  verdict(scope: StatementScope, text: string): StatementVerdict {
    return scope === 'autocommit' ? this.autocommit(text) : this.transaction(text);
  }

  /** Throws StatementRefusedError for a refused statement; true when its connection must be retired at release. */
  admit(scope: StatementScope, text: string): boolean {
    const v = scope === 'autocommit' ? this.autocommit(text) : this.transaction(text);
    if (v.refused) throw new StatementRefusedError(v.refused.message, v.refused.statement);
    return v.retire === true;
  }
}

const byProfile = new WeakMap<ProxyProfile, StatementRules>();

/** Why `profile` refuses this statement inside a transaction (the wider scope), or undefined when it may be sent. */
export function refusal(profile: ProxyProfile, text: string): string | undefined {
  let rules = byProfile.get(profile);
  if (!rules) byProfile.set(profile, (rules = new StatementRules(profile)));
  return rules.verdict('transaction', text).refused?.message;
}

function judge(profile: ProxyProfile, control: readonly Rule[], text: string): StatementVerdict {
  let retire = false;
  for (const s of statementsOf(text)) {
    const rule = control.find((r) => r.test(s)) ?? SESSION_SETTINGS.find((r) => r.test(s));
    if (rule) return { refused: { statement: rule.statement, message: rule.message } };
    const own = profile.refuses.find((r) => r.pattern.test(s));
    if (own) return { refused: { statement: commandOf(own, s), message: `${profile.name} profile refuses this statement: ${own.reason}` } };
    retire ||= profile.retires.some((r) => r.pattern.test(s));
  }
  return retire ? RETIRE : ALLOWED;
}

/** The statements of a text, as code only (no literals, identifiers or comments), lower-cased and trimmed. */
function statementsOf(text: string): string[] {
  const out: string[] = [];
  let atomicBody = false;
  for (const part of codeOnly(text).toLowerCase().split(';')) {
    const s = part.trim();
    if (!s) continue;
    // A function body written BEGIN ATOMIC ... END holds ';'-separated statements of its own: not sent now.
    if (atomicBody) {
      if (/^end\b/.test(s)) atomicBody = false;
      continue;
    }
    out.push(s);
    if (/\bbegin\s+atomic\b/.test(s)) atomicBody = true;
  }
  return out;
}

/** set_config(name, value, is_local) whose is_local is anything but the literal true (false, a parameter, ...). */
function setsSessionConfig(s: string): boolean {
  for (let at = s.search(/\bset_config\s*\(/); at >= 0; ) {
    const open = s.indexOf('(', at);
    const args = topLevelArguments(s, open + 1);
    if (args[2]?.trim() !== 'true') return true;
    const next = s.slice(open + 1).search(/\bset_config\s*\(/);
    at = next < 0 ? -1 : open + 1 + next;
  }
  return false;
}

/** The comma-separated arguments from `start` to the matching ')' (literals are already blanked). */
function topLevelArguments(s: string, start: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ')') {
      args.push(s.slice(from, i));
      return args;
    } else if (c === ',' && depth === 0) {
      args.push(s.slice(from, i));
      from = i + 1;
    }
  }
  args.push(s.slice(from));
  return args;
}

/** The refused command as the rule matched it (keywords or a function name; literals are already gone). */
function commandOf(rule: StatementRule, s: string): string {
  const matched = (rule.pattern.exec(s)?.[0] ?? s).replace(/\s*\($/, '').replace(/\s+/g, ' ').slice(0, 40);
  return matched.includes('_') ? matched : matched.toUpperCase();
}
