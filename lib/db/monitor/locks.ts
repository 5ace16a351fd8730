// Blocking chains from pg_blocking_pids edges: who blocks whom, root blocker first.

/** Every path from a root blocker (a session that waits on nobody here) down to a session nobody waits on. */
export function blockingChains(edges: ReadonlyMap<number, readonly number[]>, limit: number): number[][] {
  const waitersOf = new Map<number, number[]>();
  for (const [waiter, blockers] of edges) {
    for (const b of blockers) {
      const list = waitersOf.get(b) ?? [];
      list.push(waiter);
      waitersOf.set(b, list);
    }
  }
  const isWaiting = (pid: number) => (edges.get(pid)?.length ?? 0) > 0;
  let roots = [...waitersOf.keys()].filter((pid) => !isWaiting(pid));
  // A cycle has no root (a deadlock the server is about to break): start from its smallest pid.
  if (roots.length === 0 && waitersOf.size > 0) roots = [Math.min(...waitersOf.keys())];
  const chains: number[][] = [];
  const walk = (path: number[]) => {
    if (chains.length >= limit) return;
    const last = path[path.length - 1]!;
    const next = (waitersOf.get(last) ?? []).filter((pid) => !path.includes(pid));
    if (next.length === 0) {
      if (path.length > 1) chains.push(path);
      return;
    }
    for (const pid of next.sort((a, b) => a - b)) walk([...path, pid]);
  };
  for (const root of roots.sort((a, b) => a - b)) walk([root]);
  return chains;
}
