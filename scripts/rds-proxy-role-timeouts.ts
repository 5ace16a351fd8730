// Prints the role-default timeouts for RDS Proxy from the configuration (arguments: [role]; env: DB_*_MS).
import { loadConfig, roleTimeoutsSql } from '../lib/db';

const config = loadConfig({ driver: 'pglite' });
process.stdout.write(roleTimeoutsSql(config, process.argv[2]));
