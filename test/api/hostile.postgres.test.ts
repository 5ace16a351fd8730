// The property-based hostile-request suite on PostgreSQL.
import { hostileSuite } from './hostile-suite';
import { openPostgres } from './suite-databases';

hostileSuite('PostgreSQL', openPostgres);
