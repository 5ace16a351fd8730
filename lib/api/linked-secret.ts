// A value SST links to a function (`link: [secret]` in infra/, read as Resource.<Name>.value at run time).
// Read on demand, so a rotated secret applies at the next request of a warm container.

/** The linked value, or undefined when the function was not deployed with that link (local server, tests). */
export async function linkedValue(name: string): Promise<string | undefined> {
  try {
    const { Resource } = await import('sst/resource');
    if (!(name in Resource)) return undefined;
    const value = (Resource as unknown as Record<string, { value?: unknown } | undefined>)[name]?.value;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined; // not deployed with SST links: not configured
  }
}

/** Precedence: the environment variable (local server, tests) > the linked SST secret. */
export async function configuredValue(envName: string, linkName: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  const fromEnv = env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return linkedValue(linkName);
}
