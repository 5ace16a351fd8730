// Keeps credentials out of every message, log line and stack the layer produces.

const secrets = new Set<string>();

/** Registers a secret (e.g. the password of DATABASE_URL) to be scrubbed wherever it appears. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 3) secrets.add(secret);
}

const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@\s]*)@/gi;
const KEY_VALUE = /\b(password|passwd|pwd|secret|token)=([^\s&;]+)/gi;

export function redact(text: string): string {
  let out = text.replace(URL_USERINFO, '$1:***@').replace(KEY_VALUE, '$1=***');
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

/** The password part of a connection URL, if any (decoded). */
export function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

/** A copy of a driver error that is safe to attach as `cause`: redacted message and stack, no references. */
export function sanitizeCause(err: unknown): Error | undefined {
  if (err === undefined || err === null) return undefined;
  const src = err as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
  const copy = new Error(redact(String(src.message ?? err)));
  copy.name = typeof src.name === 'string' ? src.name : 'Error';
  copy.stack = typeof src.stack === 'string' ? redact(src.stack) : copy.stack;
  if (typeof src.code === 'string') (copy as Error & { code?: string }).code = src.code;
  return copy;
}
