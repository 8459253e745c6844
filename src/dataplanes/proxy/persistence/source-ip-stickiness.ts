import type { PickContext } from '../../../balancing/balancer.ts';
import type { SharedStickTable } from './shared-stick-table.ts';
import { sourceKeyer } from './source-key.ts';
import type { Stickiness } from './stickiness.ts';

/** SOURCE_IP: a table of client addresses (or networks, with a granularity) to members. */
export class SourceIpStickiness implements Stickiness {
  readonly readsSetCookie = false;
  readonly cookieRewrite = null;
  readonly #key: (address: string) => string;

  constructor(
    private readonly table: SharedStickTable,
    granularity: string | null,
  ) {
    this.#key = sourceKeyer(granularity);
  }

  stuck(client: PickContext): string | undefined {
    return client.remoteAddress === undefined ? undefined : this.table.lookup(this.#key(client.remoteAddress));
  }

  stick(client: PickContext, _cookies: string | undefined, member: string, previous: string | undefined): void {
    if (client.remoteAddress === undefined) return;
    this.table.stick(this.#key(client.remoteAddress), member, previous ?? null);
  }

  answered(): null {
    return null;
  }

  retain(): void {}

  close(): void {
    this.table.close();
  }
}
