// The events the local server builds have API Gateway v2's shape (payload format 2.0).
import { describe, expect, it } from 'vitest';
import { apiGatewayEvent, queryParameters } from '../../dev/server/apigw-event';
import { lambdaContext } from '../../dev/server/lambda-context';
import { scheduledEvent } from '../../dev/server/scheduled-event';

describe('API Gateway v2 event', () => {
  it('carries the route, raw and decoded parts, lower-cased headers and the request context', () => {
    // Prepare
    const now = new Date('2024-03-12T19:03:58.390Z');
    // Act
    const event = apiGatewayEvent({
      method: 'post',
      rawPath: '/geo/predictions',
      rawQueryString: 'a=1&b=x%20y&a=2',
      headers: { 'Content-Type': 'application/json', 'X-Many': ['1', '2'], Cookie: 'k=v; s=t', Host: 'localhost:3000' },
      body: Buffer.from('{"v":1}'),
      sourceIp: '127.0.0.1',
      routeKey: 'POST /geo/predictions',
      now,
    });
    // Assess
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('POST /geo/predictions');
    expect(event.rawPath).toBe('/geo/predictions');
    expect(event.rawQueryString).toBe('a=1&b=x%20y&a=2');
    expect(event.queryStringParameters).toEqual({ a: '1,2', b: 'x y' });
    expect(event.headers).toEqual({ 'content-type': 'application/json', 'x-many': '1,2', host: 'localhost:3000' });
    expect(event.cookies).toEqual(['k=v', 's=t']);
    expect(event.requestContext.http).toMatchObject({ method: 'POST', path: '/geo/predictions', sourceIp: '127.0.0.1' });
    expect(event.requestContext.routeKey).toBe('POST /geo/predictions');
    expect(event.requestContext.timeEpoch).toBe(now.getTime());
    expect(event.requestContext.time).toBe('12/Mar/2024:19:03:58 +0000');
    expect(event.requestContext.requestId).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(event.body).toBe('{"v":1}');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes a binary body and leaves out absent parts', () => {
    // Act
    const binary = apiGatewayEvent({ method: 'POST', rawPath: '/x', routeKey: 'POST /x', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 255]) });
    const empty = apiGatewayEvent({ method: 'GET', rawPath: '/x', routeKey: 'GET /x' });
    // Assess
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, 'base64')).toEqual(Buffer.from([0, 255]));
    expect(empty.body).toBeUndefined();
    expect(empty.queryStringParameters).toBeUndefined();
    expect(empty.cookies).toBeUndefined();
    expect(queryParameters('')).toBeUndefined();
  });

  it('the Lambda context counts down from the function timeout', () => {
    // Prepare
    const start = 1_000_000;
    // Act
    const ctx = lambdaContext({ handler: 'functions/api/geo-predictions.ts', memoryMb: 512, timeoutSeconds: 10 }, start);
    // Assess
    expect(ctx.functionName).toBe('local-GeoPredictions');
    expect(ctx.memoryLimitInMB).toBe('512');
    expect(ctx.invokedFunctionArn).toMatch(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:local-GeoPredictions$/);
    expect(ctx.getRemainingTimeInMillis()).toBe(0); // its deadline (start + 10 s) is long past
    expect(lambdaContext({ handler: 'x.ts', memoryMb: 128, timeoutSeconds: 10 }).getRemainingTimeInMillis()).toBeGreaterThan(9_000);
  });

  it('a scheduled event looks like EventBridge', () => {
    const event = scheduledEvent('local-geo', new Date('2024-01-01T00:05:00.123Z'));
    expect(event).toMatchObject({ version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2024-01-01T00:05:00Z', detail: {} });
    expect(event.resources[0]).toMatch(/:rule\/local-geo$/);
  });
});
