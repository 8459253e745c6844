/** What a key manager reference names: `<anything>/secrets/<uuid>` or `<anything>/containers/<uuid>`. */
export interface SecretReference {
  kind: 'secret' | 'secret_container';
  id: string;
}

const REFERENCE = /\/(secrets|containers)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/**
 * The object a reference names; undefined for anything else. The host is not checked: clients build references
 * from whichever URL of weir they reach (catalog, loopback, a proxy), and the id alone decides.
 */
export function parseReference(ref: string): SecretReference | undefined {
  const match = REFERENCE.exec(ref);
  if (!match) return undefined;
  return { kind: match[1] === 'secrets' ? 'secret' : 'secret_container', id: match[2]!.toLowerCase() };
}
