// PUT /miners (admin): upserts metagraph slots; a uid whose hotkey changed deregisters the old hotkey. Each
// hotkey's public key is stored with it: signed miner requests are matched on it.
import { z } from 'zod';
import { fields, httpRoute, ok, sharedDatabase } from '../../lib/api';
import { syncMetagraph, UID_COUNT } from '../../lib/validator';

const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const miner = z.strictObject({
  uid: fields.uid,
  hotkey: fields.hotkey,
  coldkey: optional(fields.hotkey),
  ip: optional(fields.ipAddress),
  ipType: optional(z.number().int().min(0).max(255)),
  port: optional(z.number().int().min(0).max(65_535)),
  incentive: optional(fields.finite),
  stake: optional(fields.finite),
  trust: optional(fields.finite),
  vtrust: optional(fields.finite),
  protocol: optional(fields.int32),
});

const body = z.strictObject({
  miners: z
    .array(miner)
    .max(UID_COUNT, { error: `at most ${UID_COUNT} miners per call` })
    .superRefine(fields.uniqueBy('uid'))
    .superRefine(fields.uniqueBy('hotkey')),
});

export const handler = httpRoute({ route: 'PUT /miners', db: sharedDatabase, body }, async ({ session, body }) => {
  const result = await syncMetagraph(session, body.miners);
  return ok(result);
});
