import { OwnedServices } from '../../src/dataplanes/nftables/owned-services.ts';

/**
 * Owners' services (OwnedServices) whose writes hand the table's services to `record` instead of the kernel: a write
 * is in once `record` resolves, and refused when it rejects.
 */
export class RecordedServices<S> extends OwnedServices<S> {
  private written = false;

  constructor(private readonly record: (services: readonly S[]) => Promise<void>) {
    super();
  }

  protected override get current(): boolean {
    return this.written;
  }

  protected override async writeTable(services: readonly S[]): Promise<void> {
    await this.record(services);
    this.written = true;
  }
}
