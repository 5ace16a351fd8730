// A promise the test opens when it chooses: holds a connection or a callback without any wall-clock wait.
export type Gate = { readonly promise: Promise<void>; open(): void };

export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
