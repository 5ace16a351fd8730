// Who a miner request speaks for. Decided here and only here: routes receive the hotkey from httpRoute.
// Today the body's `hotkey` field is trusted as is; the planned change verifies a signature over the body
// with that hotkey (same signature, so no route changes).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { unprocessable } from './http-error';
import { hotkey as hotkeyField } from './fields';

export async function minerIdentity(_event: APIGatewayProxyEventV2, body: unknown): Promise<string> {
  const claimed = (body as { hotkey?: unknown } | null | undefined)?.hotkey;
  const parsed = hotkeyField.safeParse(claimed);
  if (!parsed.success) throw unprocessable('body.hotkey', parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}
