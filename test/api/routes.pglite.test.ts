// Every route on the embedded database (PGlite in memory: no DATABASE_URL), migrated like the local server does.
import { routesSuite } from './routes-suite';
import { openPglite } from './suite-databases';
import { trustSuite } from './trust-suite';

routesSuite('PGlite', openPglite);
trustSuite('PGlite', openPglite);
