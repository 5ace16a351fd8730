// Matches a request to a route of the table: exact paths (the table has no path parameters).
import { routeKeyOf, type RouteSpec } from '../../lib/app/functions';

export type Match =
  | { kind: 'route'; route: RouteSpec; routeKey: string }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

export function matchRoute(table: readonly RouteSpec[], method: string, path: string): Match {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const samePath = table.filter((r) => r.path === normalized);
  if (samePath.length === 0) return { kind: 'not-found' };
  const upper = method.toUpperCase();
  // HEAD is served by the GET route, as API Gateway does for HTTP APIs without a HEAD route.
  const route = samePath.find((r) => r.method === upper) ?? (upper === 'HEAD' ? samePath.find((r) => r.method === 'GET') : undefined);
  if (!route) return { kind: 'method-not-allowed', allow: samePath.map((r) => r.method) };
  return { kind: 'route', route, routeKey: routeKeyOf(route) };
}
