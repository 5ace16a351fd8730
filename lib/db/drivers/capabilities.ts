// What each driver can do, known before its module (and its npm package) is loaded: createDatabase exposes
// db.capabilities and sizes the pool synchronously, while the driver itself is imported at the first connect.
// Side-effect free and imports no driver package, so every bundle can carry it.
import type { DriverName } from '../config';
import type { DriverCapabilities } from '../driver';
import type { ProxyProfile } from '../profiles';

export function capabilitiesOf(driver: DriverName, profile: Pick<ProxyProfile, 'setLocal' | 'startupParameters'>): DriverCapabilities {
  switch (driver) {
    case 'pg':
    case 'neon-ws':
      // node-postgres clients (neon-ws tunnels one through a WebSocket): SET LOCAL only where the profile allows it.
      return {
        interactiveTransactions: true,
        savepoints: true,
        concurrentConnections: true,
        setLocalTimeouts: profile.setLocal,
        serverEnforcedTimeouts: true,
        // The session-wide values travel as startup parameters where the profile allows (direct).
        startupTimeouts: profile.startupParameters,
      };
    case 'pglite':
      return {
        interactiveTransactions: true,
        savepoints: true,
        // One embedded instance: the pool of one gives exclusive access.
        concurrentConnections: false,
        setLocalTimeouts: true,
        // Single-threaded WASM: statement_timeout and lock_timeout never fire (and there is no second session to wait on).
        serverEnforcedTimeouts: false,
      };
    case 'neon-http':
      return {
        // One HTTP request per statement or batch: createDatabase refuses it unless transactions: 'batch-only'.
        interactiveTransactions: false,
        savepoints: false,
        concurrentConnections: true,
        // A batch carries its timeouts as transaction-local settings in the same request.
        setLocalTimeouts: true,
        serverEnforcedTimeouts: true,
        stateless: true,
      };
    case 'data-api':
      return {
        // BeginTransaction / ExecuteStatement with transactionId / Commit / Rollback; no savepoints.
        interactiveTransactions: true,
        savepoints: false,
        concurrentConnections: true,
        setLocalTimeouts: true,
        serverEnforcedTimeouts: true,
        stateless: true,
        // The service passes PostgreSQL's error as text: no constraint/table/column fields (only the SQLSTATE is read).
        errorDetails: false,
      };
  }
}
