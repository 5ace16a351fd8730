// A miner's side of the API: signed submissions over HTTP (the local server, a deployment) or straight into the
// handlers in this process (the demo), through the same API Gateway v2 events the local server builds.
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { routeKeyOf, routes } from '../../lib/app/functions';
import { apiGatewayEvent } from '../server/apigw-event';
import { lambdaContext } from '../server/lambda-context';
import type { Keypair } from './keys';
import { epistulaHeaders, type SignOptions } from './sign';

export type MinerRequest = { method: string; path: string; headers: Record<string, string>; body: Buffer };
export type MinerResponse = { status: number; json: any };
export type Transport = (req: MinerRequest) => Promise<MinerResponse>;

/** Requests to a server at `baseUrl` (e.g. http://127.0.0.1:3000). */
export function httpTransport(baseUrl: string): Transport {
  return async (req) => {
    const res = await fetch(new URL(req.path, baseUrl), { method: req.method, headers: req.headers, body: req.body });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** Requests handed to the route handlers of this process (by route key), as the local server would. */
export function handlerTransport(handlers: Readonly<Record<string, Handler>>): Transport {
  return async (req) => {
    const spec = routes.find((r) => r.method === req.method && r.path === req.path);
    const handler = spec && handlers[routeKeyOf(spec)];
    if (!spec || !handler) return { status: 404, json: { message: 'Not Found' } };
    const event = apiGatewayEvent({ method: req.method, rawPath: req.path, headers: { host: '127.0.0.1', ...req.headers }, body: req.body, routeKey: routeKeyOf(spec) });
    const result = await handler(event, lambdaContext(spec));
    if (typeof result !== 'object' || result === null || !('statusCode' in result)) return { status: 200, json: result };
    return { status: result.statusCode ?? 200, json: result.body ? JSON.parse(result.body) : undefined };
  };
}

export type GeoPrediction = { queryTime: Date; value: number };
export type SoilPrediction = {
  regionId: number;
  surfaceSm: (number | null)[][];
  rootzoneSm: (number | null)[][];
  uncertaintySurface?: (number | null)[][] | null;
  uncertaintyRootzone?: (number | null)[][] | null;
  sentinelBounds: readonly number[];
  sentinelCrs: number;
};

export class MinerClient {
  constructor(
    readonly keypair: Keypair,
    /** The validator's ss58 hotkey: what every request is signed for. */
    readonly validator: string,
    private readonly transport: Transport,
  ) {}

  submitGeo(p: GeoPrediction, sign: Partial<SignOptions> = {}): Promise<MinerResponse> {
    return this.post('/geo/predictions', { queryTime: p.queryTime.toISOString(), value: p.value }, sign);
  }

  submitSoil(p: SoilPrediction, sign: Partial<SignOptions> = {}): Promise<MinerResponse> {
    return this.post('/soil/predictions', p, sign);
  }

  /** A signed JSON POST; `sign` overrides parts of the signature (tests send stale timestamps, reused uuids). */
  post(path: string, json: unknown, sign: Partial<SignOptions> = {}): Promise<MinerResponse> {
    const body = Buffer.from(JSON.stringify(json));
    const headers = { 'content-type': 'application/json', ...epistulaHeaders(this.keypair, body, { signedFor: this.validator, ...sign }) };
    return this.transport({ method: 'POST', path, headers, body });
  }
}
