// A statement's text repeats on every call: a verdict about it (refused by the profile? can it return rows?)
// is worked out once. Keyed by the text itself: V8 caches a literal string's hash, a built key would be hashed
// on every call. Bounded: cleared when full, so generated SQL cannot grow it without limit.

const DEFAULT_MAX = 1000;

export function memoByText<T>(decide: (text: string) => T, max = DEFAULT_MAX): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    // One lookup when the verdict is defined (the layer's are objects); undefined needs the second.
    const seen = known.get(text);
    if (seen !== undefined || known.has(text)) return seen as T;
    const verdict = decide(text);
    if (known.size >= max) known.clear();
    known.set(text, verdict);
    return verdict;
  };
}
