// Init probe: zod as the API imports it (`import { z } from 'zod'`, the classic API) and one small body schema.
import { z } from 'zod';

const body = z.strictObject({ hotkey: z.string(), value: z.number() });
export const handler = async (text: string): Promise<unknown> => body.parse(JSON.parse(text));
