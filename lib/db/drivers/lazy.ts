// The driver the pool sees: name and capabilities at once (createDatabase stays synchronous and connects
// nothing), the implementation loaded by the first connect.
import type { DbConfig, DriverName } from '../config';
import type { Driver, DriverCapabilities, DriverConnection, DriverImplementation } from '../driver';
import type { ProxyProfile } from '../profiles';
import { ConnectTimeoutError } from '../errors';
import { capabilitiesOf } from './capabilities';
import { loadDriver } from './load';

export class LazyDriver implements Driver {
  readonly name: DriverName;
  readonly capabilities: DriverCapabilities;
  private loaded: Promise<DriverImplementation> | undefined;

  constructor(
    private readonly config: DbConfig,
    private readonly profile: ProxyProfile,
  ) {
    this.name = config.driver;
    this.capabilities = capabilitiesOf(config.driver, profile);
    // The config holds the URL (and its password): not reachable by enumeration or inspection of the driver.
    Object.defineProperty(this, 'config', { enumerable: false });
  }

  async connect(timeoutMs: number): Promise<DriverConnection> {
    const started = Date.now();
    const driver = await this.load();
    const spent = Date.now() - started;
    // Warm containers skip the clock: only the first connect pays (and counts) the module load.
    if (spent === 0) return driver.connect(timeoutMs);
    // Loading (once per container) counts against the connect budget; the error still names the configured limit.
    return driver.connect(Math.max(1, timeoutMs - spent)).catch((err: unknown) => {
      throw err instanceof ConnectTimeoutError ? new ConnectTimeoutError(`connect timed out after ${timeoutMs} ms (driver load included)`, { limitMs: timeoutMs }) : err;
    });
  }

  async close(): Promise<void> {
    // Nothing to release if no connect ever loaded the driver (or loading failed).
    const driver = await this.loaded?.catch(() => undefined);
    await driver?.close();
  }

  private load(): Promise<DriverImplementation> {
    this.loaded ??= loadDriver(this.config, this.profile).catch((err: unknown) => {
      this.loaded = undefined; // a later connect tries again
      throw err;
    });
    return this.loaded;
  }
}
