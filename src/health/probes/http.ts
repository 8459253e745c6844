import { createHttpProbe } from './http-check.ts';
import { openMemberStream } from './socket-target.ts';

/**
 * HTTP: the member answers the monitor's request with one of its expected_codes; over TLS for a `tls_enabled` pool,
 * as the amphora's checks go.
 */
export const httpProbe = createHttpProbe('HTTP', (target) => openMemberStream(target));
