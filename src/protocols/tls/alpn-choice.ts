/** The application protocols weir's HTTP listeners speak, by their ALPN names. */
export const HTTP_ALPN_SPOKEN: readonly string[] = ['h2', 'http/1.1', 'http/1.0'];

/**
 * The protocols a listener offers in ALPN: those configured that the listener can carry, in the configured order;
 * an HTTP listener without a list speaks what it can. A bytes-relaying listener carries any protocol (its members
 * speak it) and offers exactly its list.
 */
export function offeredAlpn(configured: readonly string[], spoken: readonly string[] | null): string[] {
  if (spoken === null) return [...configured];
  if (configured.length === 0) return [...spoken];
  return configured.filter((p) => spoken.includes(p));
}

/**
 * The protocol chosen for a client: the first of ours (our preference, as HAProxy and nginx choose) that the client
 * offers; undefined when there is none in common, which ends the handshake with `no_application_protocol` (RFC
 * 7301): a client offering only h2 to a listener without it is not served HTTP/1.1 it did not ask for.
 */
export function chooseAlpn(offered: readonly string[], ours: readonly string[]): string | undefined {
  for (const protocol of ours) if (offered.includes(protocol)) return protocol;
  return undefined;
}
