import { StartupError } from '../server/startup-error.ts';
import { dnsDriver } from './dns/dns-driver.ts';
import { type DataPlaneDriver, DEFAULT_DRIVER_SETTINGS, type DriverFactory, type DriverSettings } from './driver.ts';
import { dsrDriver } from './nftables/dsr-driver.ts';
import { natDriver } from './nftables/nat-driver.ts';
import { noopDriver } from './noop/noop-driver.ts';
import { proxyDriver } from './proxy/proxy-driver.ts';

/** Every data plane weir ships; the first is the default provider. */
export const DRIVER_FACTORIES: readonly DriverFactory[] = [proxyDriver, noopDriver, natDriver, dsrDriver, dnsDriver];

export interface ProviderEntry {
  /** The name as listed at /providers: the canonical name or an alias. */
  name: string;
  description: string;
  driver: DataPlaneDriver;
}

/**
 * Resolves provider names (canonical or alias) to running drivers. A provider this node cannot run is not created;
 * its names map to the reason, so a request naming it is told why rather than only that it is unknown.
 */
export class DriverRegistry {
  private readonly byName = new Map<string, DataPlaneDriver>();
  readonly drivers: DataPlaneDriver[] = [];
  readonly providers: ProviderEntry[] = [];
  readonly unavailable = new Map<string, string>();

  readonly defaultProvider: string;

  constructor(
    factories: readonly DriverFactory[],
    settings: DriverSettings = DEFAULT_DRIVER_SETTINGS,
    defaultProvider?: string,
  ) {
    this.defaultProvider = defaultProvider ?? factories[0]?.name ?? 'noop';
    for (const factory of factories) {
      const reason = factory.unavailable?.(settings);
      if (reason !== undefined) {
        for (const name of [factory.name, ...factory.aliases]) this.unavailable.set(name, reason);
        continue;
      }
      const driver = factory.create(settings);
      this.drivers.push(driver);
      for (const name of [factory.name, ...factory.aliases]) {
        this.byName.set(name, driver);
        const aliasNote = name === factory.name ? '' : ` (alias of ${factory.name})`;
        this.providers.push({ name, description: `${factory.description}${aliasNote}`, driver });
      }
    }
    const reason = this.unavailable.get(this.defaultProvider);
    if (reason !== undefined) {
      throw new StartupError(`server.default_provider: "${this.defaultProvider}" cannot run here: ${reason}`);
    }
    if (!this.byName.has(this.defaultProvider)) {
      const known = [...this.byName.keys()].join(', ');
      throw new StartupError(`server.default_provider: "${this.defaultProvider}" is not a provider; known: ${known}`);
    }
  }

  find(name: string): DataPlaneDriver | undefined {
    return this.byName.get(name);
  }

  async close(): Promise<void> {
    await Promise.all(this.drivers.map((driver) => driver.close()));
  }
}
