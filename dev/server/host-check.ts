// DNS rebinding guard: a page on evil.example whose name is made to resolve to 127.0.0.1 can reach a loopback
// server from the browser, but its requests carry `Host: evil.example`. Only the loopback names of the port the
// server listens on are served.

export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  const names = ['127.0.0.1', 'localhost'];
  return names.some((n) => h === `${n}:${port}` || (port === 80 && h === n));
}
