// The property-based hostile-request suite on the embedded database (PGlite).
import { hostileSuite } from './hostile-suite';
import { openPglite } from './suite-databases';

hostileSuite('PGlite', openPglite);
