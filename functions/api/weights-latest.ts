// GET /weights/latest: the newest computed weight vector (indexed by uid); 404 before the first computation.
import { httpRoute, notFound, ok, sharedDatabase } from '../../lib/api';
import { latestWeights } from '../../lib/validator';

export const handler = httpRoute({ route: 'GET /weights/latest', db: sharedDatabase }, async ({ session }) => {
  const latest = await latestWeights(session);
  if (!latest) throw notFound('no weights have been computed yet');
  return ok(latest);
});
