import type { CounterValue } from './nat-counters.ts';
import { runNft } from './nft-command.ts';
import { OwnedServices } from './owned-services.ts';

/**
 * An nftables table of owners' services (OwnedServices) that every change rewrites whole, as `render` writes it,
 * its counters carried over. The file holds the services alone, keyed by owner.
 */
export class OwnedTable<S> extends OwnedServices<S> {
  /** This process has written the table; nft takes a script whole or not at all, so the kernel holds the last one. */
  private written = false;

  constructor(
    private readonly render: (services: readonly S[], carried: ReadonlyMap<string, CounterValue>) => string,
    private readonly counters: () => Promise<ReadonlyMap<string, CounterValue>>,
    private readonly apply: (script: string) => Promise<void> = runNft,
  ) {
    super();
  }

  protected override get current(): boolean {
    return this.written;
  }

  protected override async writeTable(services: readonly S[]): Promise<void> {
    await this.apply(this.render(services, await this.counters()));
    this.written = true;
  }
}
