/** An HTTP/2 request's header list as HTTP/1.1 has it (RFC 9113 §8.2.3, §8.3.1). */
export interface Http1Fields {
  /** Name, value, ...: no pseudo-header fields, one Cookie field, Host first when it came as `:authority`. */
  readonly fields: string[];
  /** The Host field's value, or `:authority` when no Host came; undefined without either. */
  readonly host: string | undefined;
  /** The joined Cookie value, as Node's `headers.cookie`; undefined without any. */
  readonly cookie: string | undefined;
  readonly contentLength: boolean;
}

/**
 * `raw` (Node's `rawHeaders` of a stream) without its pseudo-header fields, its `cookie` fields (clients send one
 * per cookie) joined into one with "; ", and `:authority` as Host when no Host field came.
 */
export function http1Fields(raw: readonly string[], authority: string | undefined): Http1Fields {
  const fields: string[] = [];
  let host: string | undefined;
  let contentLength = false;
  let cookieAt = -1;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 0x3a) continue;
    if (name === 'host') host = raw[i + 1]!;
    else if (name === 'content-length') contentLength = true;
    else if (name === 'cookie') {
      if (cookieAt >= 0) {
        fields[cookieAt] += `; ${raw[i + 1]!}`;
        continue;
      }
      cookieAt = fields.length + 1;
    }
    fields.push(name, raw[i + 1]!);
  }
  if (host === undefined && authority) {
    fields.unshift('host', authority);
    host = authority;
    if (cookieAt >= 0) cookieAt += 2;
  }
  return { fields, host, cookie: cookieAt < 0 ? undefined : fields[cookieAt], contentLength };
}
