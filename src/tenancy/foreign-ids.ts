const OBJECT_ID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * A data plane's message as the owner of `own` may read it: the id of any other object (another load balancer
 * holding a name, say, maybe another project's) is replaced, as the API never tells whose an object is.
 */
export function hideForeignIds(message: string, own: ReadonlySet<string>): string {
  return message.replace(OBJECT_ID, (id) => (own.has(id.toLowerCase()) ? id : '(another object)'));
}
