// Every route on PostgreSQL: the handlers reach a fresh test database through DATABASE_URL, as in the cloud.
import { routesSuite } from './routes-suite';
import { openPostgres } from './suite-databases';
import { trustSuite } from './trust-suite';

routesSuite('PostgreSQL', openPostgres);
trustSuite('PostgreSQL', openPostgres);
