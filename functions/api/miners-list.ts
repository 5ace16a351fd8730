// GET /miners: the stored metagraph, by uid (the hotkey's decoded public key stays inside: the hotkey says it).
import { httpRoute, ok, sharedDatabase } from '../../lib/api';
import { listMiners } from '../../lib/validator';

export const handler = httpRoute({ route: 'GET /miners', db: sharedDatabase }, async ({ session }) =>
  ok({ miners: (await listMiners(session)).map(({ publicKey: _key, ...miner }) => miner) }),
);
