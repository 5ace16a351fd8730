// A Lambda Context shaped like the real one; the remaining time counts down from the function's timeout.
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { logicalNameOf, type FunctionSpec } from '../../lib/app/functions';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './apigw-event';

export function lambdaContext(spec: Pick<FunctionSpec, 'handler' | 'memoryMb' | 'timeoutSeconds'>, now = Date.now()): Context {
  const name = `local-${logicalNameOf(spec)}`;
  const deadline = now + spec.timeoutSeconds * 1000;
  const day = new Date(now).toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `${day}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
