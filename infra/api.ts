// The HTTP API: every route of the table, each to its own function.
// API Gateway v2 caps bodies at 10 MB for every route; the per-route `maxBodyBytes` reaches the
// handler as MAX_BODY_BYTES and is enforced there (413 above it).
import { apiThrottle, logicalNameOf, routeEnvFor, routeKeyOf, routes } from '../lib/app/functions';
import { functionArgs } from './database';
import { adminToken, validatorHotkey } from './secrets';

export const api = new sst.aws.ApiGatewayV2('Api', {
  transform: {
    stage: (args) => {
      args.defaultRouteSettings = {
        throttlingRateLimit: apiThrottle.rateLimit,
        throttlingBurstLimit: apiThrottle.burstLimit,
      };
    },
  },
});

/** Each route of the table with its Lambda function (infra/monitoring.ts alarms on each). */
export const routeFunctions = routes.map((route) => ({
  spec: route,
  function: api.route(
    routeKeyOf(route),
    functionArgs(route, {
      link: [...(route.admin ? [adminToken] : []), ...(route.miner ? [validatorHotkey] : [])],
      environment: routeEnvFor(route),
    }),
    { name: logicalNameOf(route) },
  ).nodes.function,
}));
