import { createHttpProbe } from './http-check.ts';
import { openStream } from './socket-target.ts';

/** HTTP: the member answers the monitor's request with one of its expected_codes. */
export const httpProbe = createHttpProbe('HTTP', (target) => openStream(target));
