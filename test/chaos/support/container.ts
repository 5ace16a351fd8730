// One simulated Lambda container: the real handlers the chaos load drives and their database, bundled into one
// module (containers.ts) so that every import of the bundle is a fresh container with its own module state: its own
// createDatabase, from the environment at its first request.
export { handler as geoPredictions } from '../../../functions/api/geo-predictions';
export { handler as groundTruthGeo } from '../../../functions/api/ground-truth-geo';
export { handler as minersSync } from '../../../functions/api/miners-sync';
export { closeSharedDatabase } from '../../../lib/api';
