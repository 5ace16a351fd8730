// The cold-start baseline: the least an API Gateway handler on raw pg does. Parses the body, runs BEGIN, one
// statement, COMMIT on a pg Pool made at module scope (no connection until the first event), answers JSON.
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
  const body = JSON.parse(event.body ?? '{}') as { hotkey?: unknown; value?: unknown };
  if (typeof body.hotkey !== 'string' || typeof body.value !== 'number') return { statusCode: 422, body: '{"error":"hotkey and value required"}' };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO geo_predictions (hotkey, value) VALUES ($1, $2)', [body.hotkey, body.value]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true }) };
};
