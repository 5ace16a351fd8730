// Option helpers shared by the peers.

/** Drops undefined entries so `{ ...DEFAULTS, ...definedOnly(options) }` keeps the defaults. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
