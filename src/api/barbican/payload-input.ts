import { issue } from './barbican-fault.ts';

/** The payload content types weir stores, as Barbican names them; `text/plain` payloads are UTF-8 text. */
const BINARY_TYPES = ['application/octet-stream', 'application/pkcs8', 'application/pkix-cert'];
export const CONTENT_TYPES = ['text/plain', ...BINARY_TYPES];

/** A content type as stored: `text/plain;charset=utf-8` is `text/plain`, the charset Barbican accepts. */
export function normaliseContentType(value: string): string | undefined {
  const [type, ...params] = value
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  if (type === 'text/plain') return params.every((p) => p === 'charset=utf-8') ? 'text/plain' : undefined;
  return type !== undefined && BINARY_TYPES.includes(type) && params.length === 0 ? type : undefined;
}

/**
 * The bytes of a payload: binary content types come base64 encoded (a one-step POST must say so with
 * `payload_content_encoding: base64`), text comes as is. Refusals are Barbican's, naming the operation.
 */
export function decodePayload(
  operation: string,
  payload: string,
  contentType: string,
  encoding: string | undefined,
): Buffer {
  const invalid = (reason: string, property: string) =>
    issue(400, operation, `Provided object does not match schema 'Secret': ${reason}. Invalid property: '${property}'`);
  if (contentType === 'text/plain') {
    if (encoding !== undefined)
      throw invalid('payload_content_encoding is not one of [None]', 'payload_content_encoding');
    return Buffer.from(payload, 'utf8');
  }
  if (encoding?.toLowerCase() !== 'base64') {
    throw invalid("payload_content_encoding is not one of ['base64']", 'payload_content_encoding');
  }
  const compact = payload.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw invalid('Invalid payload for payload_content_encoding', 'payload');
  }
  return Buffer.from(compact, 'base64');
}
