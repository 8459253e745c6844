/**
 * The flavor key that makes a kernel load balancer stateless: no connection tracking on the VIP path, a Maglev table
 * alone maps each packet to a member, so any node holding the same table forwards any packet of a flow (the basis for
 * ECMP across nodes). What needs connection state cannot be offered then.
 */
export const STATELESS_FLAVOR_KEY = 'stateless';

/** The flavor capability as providers that offer it list it. */
export const STATELESS_FLAVOR_CAPABILITY = {
  name: STATELESS_FLAVOR_KEY,
  description:
    'true: no connection tracking on the VIP path; a Maglev table derived from stored state alone picks each ' +
    "packet's member, so every node with the same store forwards every packet of a flow alike (ECMP across nodes). " +
    'Weight 0 (drain) and connection_limit are refused, as they need connection state.',
  values: [true, false],
} as const;

/** Whether a load balancer's flavor data (as stored with it, or as its spec carries it) makes it stateless. */
export const isStateless = (flavor: unknown): boolean =>
  typeof flavor === 'object' && flavor !== null && (flavor as Record<string, unknown>)[STATELESS_FLAVOR_KEY] === true;

/** Why a stateless load balancer refuses an option, for the API's faultstring. */
export const STATELESS_REFUSAL = 'a stateless load balancer keeps no connection state';
