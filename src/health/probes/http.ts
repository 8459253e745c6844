import { connect } from 'node:net';
import { createHttpProbe } from './http-check.ts';
import { connectOptions } from './socket-target.ts';

/** HTTP: the member answers the monitor's request with one of its expected_codes. */
export const httpProbe = createHttpProbe('HTTP', (target) => connect(connectOptions(target)));
