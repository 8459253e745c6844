import { randomBytes } from 'node:crypto';
import { localSlotProvider } from '../../../../src/dataplanes/proxy/connection-slots.ts';
import { LocalProxyEngine } from '../../../../src/dataplanes/proxy/local-proxy-engine.ts';
import { newTicketKeys } from '../../../../src/dataplanes/proxy/tls/ticket-keys.ts';
import { addressSet } from '../../../../src/network/address-set.ts';

/** The proxy engine in this process, as `proxy.workers: 0` runs it: no trusted proxies, no access log. */
export const localTestEngine = (udp = true): LocalProxyEngine =>
  new LocalProxyEngine({
    trusted: addressSet([]),
    accessLog: null,
    slots: localSlotProvider(),
    udp,
    persistence: { cookieKey: randomBytes(32), sync: null },
    ticketKeys: newTicketKeys(),
  });
