/**
 * Parses a member's response head from the raw bytes, for a relay that copies them on unchanged: it says where the
 * head and each field line end, whether the connection stays open, and how the body is framed (RFC 9112 §6.3).
 * Whatever a strict proxy must not relay is refused, because a response framed one way here and another way by the
 * client would let a member's bytes be read as a response to someone else's request.
 */

import type { MessageBody } from './body-framing.ts';
import { COLON, CR, FIELD_VALUE_BYTE, HTAB, LF, SP, TOKEN_BYTE } from './field-bytes.ts';
import { FramingFields } from './framing-fields.ts';
import { BufferedField, type HeaderField, type HeadLimits } from './head-field.ts';
import { InternedNames } from './interned-names.ts';

export interface ResponseHead {
  readonly version: '1.0' | '1.1';
  readonly status: number;
  /** The offset just after the status line's CRLF, where the first field line starts. */
  readonly statusLineEnd: number;
  /** The offset just after the empty line that ends the head: the body, or the next response, starts there. */
  readonly end: number;
  readonly fields: readonly HeaderField[];
  /** Whether the member's connection may carry another response after this one (RFC 9112 §9.3). */
  readonly keepAlive: boolean;
  /** The options listed in Connection, lower-cased: hop-by-hop fields a relay drops, with Connection itself. */
  readonly connectionOptions: readonly string[];
  readonly body: MessageBody;
  /** An interim 1xx response (100 Continue, 103 Early Hints): no body, and the final response follows. */
  readonly informational: boolean;
  /** 101 Switching Protocols, or 2xx to CONNECT: after the head the connection carries another protocol. */
  readonly tunnel: boolean;
}

export type ResponseHeadResult =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'head'; readonly head: ResponseHead };

const INCOMPLETE: ResponseHeadResult = Object.freeze({ kind: 'incomplete' });
const VERSION_PREFIX = Buffer.from('HTTP/1.');
const NONE: MessageBody = Object.freeze({ kind: 'none' });
const CHUNKED: MessageBody = Object.freeze({ kind: 'chunked' });
const CLOSE: MessageBody = Object.freeze({ kind: 'close' });

/** The field names members send most, found without building a string. */
const FIELD_NAMES = new InternedNames(
  [
    'server',
    'date',
    'content-type',
    'content-length',
    'content-encoding',
    'content-language',
    'content-disposition',
    'content-security-policy',
    'connection',
    'keep-alive',
    'proxy-connection',
    'transfer-encoding',
    'trailer',
    'upgrade',
    'cache-control',
    'pragma',
    'expires',
    'age',
    'etag',
    'last-modified',
    'vary',
    'accept-ranges',
    'location',
    'set-cookie',
    'link',
    'retry-after',
    'www-authenticate',
    'alt-svc',
    'strict-transport-security',
    'referrer-policy',
    'x-content-type-options',
    'x-frame-options',
    'x-request-id',
    'access-control-allow-origin',
  ],
  true,
);

const invalid = (reason: string): ResponseHeadResult => ({ kind: 'invalid', reason });
const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;

/**
 * Parses the response head starting at `buffer[offset]`. Incomplete until the empty line that ends it has arrived;
 * invalid as soon as a byte received shows it cannot be relayed, or when it outgrows the limits.
 */
export function parseResponseHead(
  buffer: Buffer,
  offset: number,
  limits: HeadLimits,
  request: { readonly method: string },
): ResponseHeadResult {
  const limit = Math.min(buffer.length, offset + limits.maxHeadBytes);
  const ranOut =
    buffer.length - offset >= limits.maxHeadBytes
      ? invalid(`the response head is larger than ${limits.maxHeadBytes} bytes`)
      : INCOMPLETE;

  // Status line: HTTP/1.0 or HTTP/1.1, SP, three digits, then SP and a reason phrase, or nothing.
  for (let i = 0; i < VERSION_PREFIX.length; i++) {
    if (offset + i >= limit) return ranOut;
    if (buffer[offset + i] !== VERSION_PREFIX[i]) return invalid('the status line does not start with HTTP/1.');
  }
  let at = offset + VERSION_PREFIX.length;
  for (let i = 0; i < 5; i++) {
    if (at + i >= limit) return ranOut;
    const byte = buffer[at + i]!;
    const fits = i === 0 ? byte === 0x30 || byte === 0x31 : i === 1 ? byte === SP : isDigit(byte);
    if (!fits) return invalid('the status line is not HTTP/1.0 or HTTP/1.1, a space and a three-digit status');
  }
  const version = buffer[at] === 0x31 ? '1.1' : '1.0';
  const status = (buffer[at + 2]! - 0x30) * 100 + (buffer[at + 3]! - 0x30) * 10 + (buffer[at + 4]! - 0x30);
  if (status < 100 || status > 599) return invalid(`status ${status} is outside 100-599`);
  at += 5;
  if (at >= limit) return ranOut;
  if (buffer[at] === SP) {
    at++;
    while (at < limit && FIELD_VALUE_BYTE[buffer[at]!] === 1) at++;
    if (at >= limit) return ranOut;
  }
  const lineEnd = crlfAt(buffer, at, limit);
  if (lineEnd === -1) return ranOut;
  if (lineEnd === 0) return invalid('the status line holds a stray byte or lacks its CRLF');
  at = lineEnd;
  const statusLineEnd = at;

  // Field lines, up to the empty line.
  const fields: HeaderField[] = [];
  const framing = new FramingFields();
  for (;;) {
    if (at >= limit) return ranOut;
    if (buffer[at] === CR) {
      const end = crlfAt(buffer, at, limit);
      if (end === -1) return ranOut;
      if (end === 0) return invalid('the head ends in CR without LF');
      at = end;
      break;
    }
    const start = at;
    while (at < limit && TOKEN_BYTE[buffer[at]!] === 1) at++;
    if (at >= limit) return ranOut;
    if (at === start) return invalid(fieldLineStartProblem(buffer[at]!));
    if (buffer[at] !== COLON) return invalid('a field name is not a token followed by a colon');
    const colon = at++;
    while (at < limit && (buffer[at] === SP || buffer[at] === HTAB)) at++;
    const valueStart = at;
    while (at < limit && FIELD_VALUE_BYTE[buffer[at]!] === 1) at++;
    const lineEnd = at;
    let valueEnd = lineEnd;
    while (valueEnd > valueStart && (buffer[valueEnd - 1] === SP || buffer[valueEnd - 1] === HTAB)) valueEnd--;
    const end = crlfAt(buffer, at, limit);
    if (end === -1) return ranOut;
    if (end === 0) return invalid('a field value holds a control character or a bare CR or LF');
    at = end;
    if (fields.length === limits.maxHeaders) return invalid(`more than ${limits.maxHeaders} header fields`);
    const name = FIELD_NAMES.find(buffer, start, colon) ?? buffer.toString('latin1', start, colon).toLowerCase();
    fields.push(new BufferedField(name, buffer, valueStart, valueEnd, start, end));
    const problem = framing.add(name, buffer, valueStart, valueEnd, lineEnd);
    if (problem !== null) return invalid(problem);
    // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means its framing is faulty.
    if (framing.transferEncoding && version === '1.0') return invalid('Transfer-Encoding in an HTTP/1.0 response');
  }

  const informational = status < 200 && status !== 101;
  const tunnel = status === 101 || (request.method === 'CONNECT' && status < 300 && status >= 200);
  let body: MessageBody;
  if (request.method === 'HEAD' || status < 200 || status === 204 || status === 304 || tunnel) body = NONE;
  else if (framing.transferEncoding) body = framing.chunked ? CHUNKED : CLOSE;
  else if (framing.contentLength !== -1) body = { kind: 'length', length: framing.contentLength };
  else body = CLOSE;
  const keepAlive = !framing.close && !tunnel && body.kind !== 'close' && (version === '1.1' || framing.keepAlive);
  return {
    kind: 'head',
    head: {
      version,
      status,
      statusLineEnd,
      end: at,
      fields,
      keepAlive,
      connectionOptions: framing.connectionOptions,
      body,
      informational,
      tunnel,
    },
  };
}

function fieldLineStartProblem(byte: number): string {
  if (byte === SP || byte === HTAB) return 'a field line is folded (obs-fold) or starts with whitespace';
  return byte === LF ? 'a line ends in a bare LF' : 'a field line does not start with a field name';
}

/** The offset after the CRLF at `at`; -1 when the bytes there are a prefix of CRLF that ran out, 0 when not CRLF. */
function crlfAt(buffer: Buffer, at: number, limit: number): number {
  if (at >= limit) return -1;
  if (buffer[at] !== CR) return 0;
  if (at + 1 >= limit) return -1;
  return buffer[at + 1] === LF ? at + 2 : 0;
}
