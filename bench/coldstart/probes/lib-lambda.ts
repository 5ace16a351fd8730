// Init probe: lib/lambda (Powertools logger and metrics made at module scope, the session wrapper).
import { logger, withSession } from '../../../lib/lambda';

export const handler = async (): Promise<unknown> => [logger, withSession];
