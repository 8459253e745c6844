/**
 * One HTTP/1.1 request head parsed from a buffer, strictly (RFC 9112 and request-guard.ts's rules), for a relay that
 * copies the field lines it does not change: each field keeps the byte range of its line. It is stateless: a reader
 * calls it again on the grown buffer after `incomplete`, and the verdict never depends on how the bytes arrived
 * (lines are judged in order, each once complete, and the head-wide rules only when the blank line is in).
 *
 * What it accepts, Node's parser (llhttp, strict, with requireHostHeader) accepts too, and request-guard lets
 * through; it also refuses more than one space in the request line, a bare CR or LF before the request line, CONNECT
 * to anything but host:port, and Content-Length beyond 2^53 - 1. It reads Connection options as RFC 9110 does (HTAB
 * around them too, where llhttp takes SP only), closes HTTP/1.0 that lists both close and keep-alive, and ignores
 * Upgrade in HTTP/1.0. request-head.fuzz.test.ts holds it to all this.
 */
import { METHODS } from 'node:http';
import { hostLength, sameAuthority } from './authority.ts';
import { CONNECTION_OPTIONS } from './framing-fields.ts';
import {
  BYTE_CLASS,
  bytesEqualIgnoringCase,
  COLON,
  COMMA,
  CR,
  HTAB,
  isDigit,
  isOws,
  LF,
  lowerByte,
  SP,
  TARGET_BYTE,
  TOKEN_BYTE,
  VALUE_BYTE,
} from './head-bytes.ts';
import { BufferedField, type HeaderField, type HeadLimits } from './head-field.ts';
import { InternedNames } from './interned-names.ts';

export type { HeaderField, HeadLimits };

export type RequestBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' };

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  readonly version: '1.0' | '1.1';
  /** Offset of the request line (after any empty lines). */
  readonly start: number;
  /** Offset just after the blank line that ends the head. */
  readonly end: number;
  readonly fields: readonly HeaderField[];
  /** The Host value, or null (only in HTTP/1.0). An absolute-form target names the same authority. */
  readonly host: string | null;
  /** `length` is never 0: `Content-Length: 0` is `none`. */
  readonly body: RequestBody;
  readonly keepAlive: boolean;
  /** HTTP/1.1 with `upgrade` in Connection and a non-empty Upgrade field. */
  readonly upgrade: boolean;
  /** HTTP/1.1 with `Expect: 100-continue`. */
  readonly expectContinue: boolean;
  /** The options listed in Connection, lower case, each once: fields of these names are hop-by-hop. */
  readonly connectionOptions: readonly string[];
}

export type RefusalStatus = 400 | 431 | 501 | 505;

export type RequestHeadResult =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'refused'; readonly status: RefusalStatus; readonly reason: string }
  | { readonly kind: 'head'; readonly head: RequestHead };

const INCOMPLETE: RequestHeadResult = Object.freeze({ kind: 'incomplete' });
const NO_BODY: RequestBody = Object.freeze({ kind: 'none' });
const CHUNKED: RequestBody = Object.freeze({ kind: 'chunked' });
const NO_OPTIONS: readonly string[] = Object.freeze([]);

/** The methods Node's parser knows; others are refused (501) as it refuses them (400). */
const METHOD_NAMES = new InternedNames(METHODS, false);
const FIELD_NAMES = new InternedNames(
  [
    'host',
    'content-length',
    'transfer-encoding',
    'connection',
    'upgrade',
    'expect',
    'keep-alive',
    'proxy-connection',
    'te',
    'trailer',
    'user-agent',
    'accept',
    'accept-encoding',
    'accept-language',
    'accept-charset',
    'authorization',
    'cache-control',
    'content-type',
    'content-encoding',
    'cookie',
    'date',
    'forwarded',
    'if-match',
    'if-modified-since',
    'if-none-match',
    'if-range',
    'if-unmodified-since',
    'origin',
    'pragma',
    'range',
    'referer',
    'via',
    'x-forwarded-for',
    'x-forwarded-host',
    'x-forwarded-port',
    'x-forwarded-proto',
    'x-real-ip',
    'x-request-id',
    'sec-websocket-key',
    'sec-websocket-version',
    'sec-websocket-protocol',
    'sec-websocket-extensions',
  ],
  true,
);

const SLASH = 0x2f;
const STAR = 0x2a;
const DOT = 0x2e;
const QUESTION = 0x3f;
const HTTP_SLASH = 'HTTP/';

/** Line-end search outcomes that are not an offset. */
const NO_LINE_END = -1;
const TOO_LARGE = -2;
const BARE_LF = -3;

type RefusedHead = Extract<RequestHeadResult, { kind: 'refused' }>;
const refuse = (status: RefusalStatus, reason: string): RefusedHead => ({ kind: 'refused', status, reason });

/** Parses the request head starting at `offset`. */
export function parseRequestHead(buffer: Buffer, offset: number, limits: HeadLimits): RequestHeadResult {
  const limit = offset + limits.maxHeadBytes;
  let start = offset;
  let lf = nextLineEnd(buffer, start, limit);
  // RFC 9112 §2.2: empty lines before the request line are ignored (some clients send one after a body).
  while (lf === start + 1) {
    start = lf + 1;
    lf = nextLineEnd(buffer, start, limit);
  }
  if (lf < 0) return lineEndProblem(lf, limits);
  const line = parseRequestLine(buffer, start, lf - 1);
  if ('kind' in line) return line;
  const fields: HeaderField[] = [];
  const facts = new FieldFacts();
  for (let lineStart = lf + 1; ; lineStart = lf + 1) {
    lf = nextLineEnd(buffer, lineStart, limit);
    if (lf < 0) return lineEndProblem(lf, limits);
    if (lf - 1 === lineStart) break;
    if (fields.length === limits.maxHeaders) return refuse(431, `more than ${limits.maxHeaders} header fields`);
    const problem = readField(buffer, lineStart, lf, fields, facts);
    if (problem !== null) return problem;
  }
  const body = framing(buffer, line, facts);
  if ('status' in body) return body;
  const http11 = line.version === '1.1';
  const options = facts.connectionOptions;
  const head: RequestHead = {
    method: line.method,
    target: line.target,
    version: line.version,
    start,
    end: lf + 1,
    fields,
    host: facts.host,
    body,
    keepAlive: !options.includes('close') && (http11 || options.includes('keep-alive')),
    // RFC 9110 §7.8: Upgrade in an HTTP/1.0 request is ignored.
    upgrade: http11 && facts.upgradeField && options.includes('upgrade'),
    expectContinue: http11 && facts.expectContinue,
    connectionOptions: options.length === 0 ? NO_OPTIONS : options,
  };
  return { kind: 'head', head };
}

interface RequestLine {
  method: string;
  target: string;
  version: '1.0' | '1.1';
  /** The authority of an absolute-form target, compared with Host once the fields are read; -1 for other forms. */
  authorityStart: number;
  authorityEnd: number;
  /** The port its scheme implies, `:80` or `:443`. */
  defaultPort: string;
}

/** method SP request-target SP HTTP-version, in bytes [start, end) (end is the CR). */
function parseRequestLine(buffer: Buffer, start: number, end: number): RequestLine | RefusedHead {
  let i = start;
  while (i < end && (BYTE_CLASS[buffer[i]!]! & TOKEN_BYTE) !== 0) i++;
  if (i === start || i === end || buffer[i] !== SP) {
    return refuse(400, 'the request line does not start with a method and one space');
  }
  const methodEnd = i;
  const targetStart = ++i;
  while (i < end && (BYTE_CLASS[buffer[i]!]! & TARGET_BYTE) !== 0) i++;
  if (i === targetStart) return refuse(400, 'the request line has no target after one space');
  if (i === end) return refuse(400, 'the request line has no HTTP version');
  if (buffer[i] !== SP) return refuse(400, 'the request target holds a byte other than visible ASCII');
  const targetEnd = i++;
  if (end - i !== 8 || !isHttpVersion(buffer, i)) {
    return refuse(400, 'the request line does not end in one space and HTTP/<digit>.<digit>');
  }
  const major = buffer[i + 5]! - 0x30;
  const minor = buffer[i + 7]! - 0x30;
  if (major !== 1 || minor > 1) return refuse(505, `HTTP/${major}.${minor} is not supported`);
  const method = METHOD_NAMES.find(buffer, start, methodEnd);
  if (method === undefined) return refuse(501, `the method ${buffer.toString('latin1', start, methodEnd)} is unknown`);
  const line: RequestLine = {
    method,
    target: '',
    version: minor === 1 ? '1.1' : '1.0',
    authorityStart: -1,
    authorityEnd: -1,
    defaultPort: '',
  };
  const first = buffer[targetStart];
  if (method === 'CONNECT') {
    const host = hostLength(buffer, targetStart, targetEnd);
    if (host <= 0 || targetStart + host + 1 >= targetEnd) {
      return refuse(400, 'CONNECT to a target other than host:port');
    }
  } else if (first === STAR && targetEnd === targetStart + 1) {
    if (method !== 'OPTIONS') return refuse(400, `* is a target for OPTIONS only, not ${method}`);
  } else if (first !== SLASH) {
    const schemeEnd = absoluteFormSchemeEnd(buffer, targetStart, targetEnd);
    if (schemeEnd < 0) return refuse(400, 'the request target is neither a path nor an http(s) URL');
    line.defaultPort = schemeEnd - targetStart === 5 ? ':443' : ':80';
    const authorityStart = schemeEnd + 3;
    let authorityEnd = authorityStart;
    while (authorityEnd < targetEnd && !endsAuthority(buffer[authorityEnd]!)) authorityEnd++;
    if (hostLength(buffer, authorityStart, authorityEnd) < 0) {
      return refuse(400, 'the request target has user information or an invalid host');
    }
    line.authorityStart = authorityStart;
    line.authorityEnd = authorityEnd;
  }
  line.target = buffer.toString('latin1', targetStart, targetEnd);
  return line;
}

/** What the fields say about framing, routing and the connection, gathered as they are read. */
class FieldFacts {
  host: string | null = null;
  /** Where the Host value is, to compare it with an absolute-form target. */
  hostStart = -1;
  hostEnd = -1;
  contentLength = -1;
  transferEncoding: string | null = null;
  chunked = false;
  upgradeField = false;
  expectContinue = false;
  connectionOptions: string[] = [];
}

/** Reads the field line [start, lf] into `fields` and `facts`; a refusal, or null when it may go on. */
function readField(
  buffer: Buffer,
  start: number,
  lf: number,
  fields: HeaderField[],
  facts: FieldFacts,
): RefusedHead | null {
  const end = lf - 1;
  if (isOws(buffer[start]!)) return refuse(400, 'a header line starts with whitespace (obs-fold)');
  let i = start;
  while (i < end && (BYTE_CLASS[buffer[i]!]! & TOKEN_BYTE) !== 0) i++;
  if (i === end) return refuse(400, 'a header line has no colon');
  if (buffer[i] !== COLON) {
    return isOws(buffer[i]!)
      ? refuse(400, 'whitespace between a header name and its colon')
      : refuse(400, 'a header name is not a token');
  }
  if (i === start) return refuse(400, 'a header line has no name');
  const nameEnd = i++;
  while (i < end && isOws(buffer[i]!)) i++;
  let valueEnd = end;
  while (valueEnd > i && isOws(buffer[valueEnd - 1]!)) valueEnd--;
  for (let j = i; j < valueEnd; j++) {
    if ((BYTE_CLASS[buffer[j]!]! & VALUE_BYTE) === 0) return refuse(400, 'a header value holds a control character');
  }
  const name = FIELD_NAMES.find(buffer, start, nameEnd) ?? buffer.toString('latin1', start, nameEnd).toLowerCase();
  const field = new BufferedField(name, buffer, i, valueEnd, start, lf + 1);
  fields.push(field);
  switch (name) {
    case 'host':
      if (facts.host !== null) return refuse(400, 'more than one Host header');
      if (hostLength(buffer, i, valueEnd) < 0) return refuse(400, 'the Host header is not a host and port');
      facts.host = field.value;
      facts.hostStart = i;
      facts.hostEnd = valueEnd;
      break;
    case 'content-length':
      if (facts.contentLength >= 0) return refuse(400, 'more than one Content-Length header');
      if (holdsTab(buffer, valueEnd, end)) return refuse(400, FRAMING_TAB);
      facts.contentLength = decimal(buffer, i, valueEnd);
      if (facts.contentLength < 0) return refuse(400, 'Content-Length is not a number below 2^53');
      break;
    case 'transfer-encoding':
      if (facts.transferEncoding !== null) return refuse(400, 'more than one Transfer-Encoding header');
      if (holdsTab(buffer, valueEnd, end)) return refuse(400, FRAMING_TAB);
      facts.transferEncoding = field.value;
      facts.chunked = bytesEqualIgnoringCase(buffer, i, valueEnd, 'chunked');
      break;
    case 'connection':
      addConnectionOptions(buffer, i, valueEnd, facts.connectionOptions);
      break;
    case 'upgrade':
      if (i < valueEnd) facts.upgradeField = true;
      break;
    case 'expect':
      if (bytesEqualIgnoringCase(buffer, i, valueEnd, '100-continue')) facts.expectContinue = true;
      break;
  }
  return null;
}

/** The comma-separated options in bytes [start, end), lower case, added to `options` unless there already. */
function addConnectionOptions(buffer: Buffer, start: number, end: number, options: string[]): void {
  for (let at = start; at < end; ) {
    let next = at;
    while (next < end && buffer[next] !== COMMA) next++;
    let optionEnd = next;
    while (at < optionEnd && isOws(buffer[at]!)) at++;
    while (optionEnd > at && isOws(buffer[optionEnd - 1]!)) optionEnd--;
    if (at < optionEnd) {
      const option =
        CONNECTION_OPTIONS.find(buffer, at, optionEnd) ?? buffer.toString('latin1', at, optionEnd).toLowerCase();
      if (!options.includes(option)) options.push(option);
    }
    at = next + 1;
  }
}

/**
 * The rules on the head as a whole, in request-guard's order where it has them: Host, how the body is framed, and
 * an absolute-form target against Host. The body, or a refusal.
 */
function framing(buffer: Buffer, line: RequestLine, facts: FieldFacts): RequestBody | RefusedHead {
  const http11 = line.version === '1.1';
  if (facts.host === null && http11) return refuse(400, 'no Host header in an HTTP/1.1 request');
  let body = NO_BODY;
  if (facts.transferEncoding !== null) {
    // RFC 9112 §6.1: an HTTP/1.0 recipient may not know chunked, so its framing is faulty.
    if (!http11) return refuse(400, 'Transfer-Encoding in an HTTP/1.0 request');
    if (facts.contentLength >= 0) return refuse(400, 'both Content-Length and Transfer-Encoding');
    if (!facts.chunked) return transferCodingProblem(facts.transferEncoding);
    body = CHUNKED;
  } else if (facts.contentLength > 0) {
    body = { kind: 'length', length: facts.contentLength };
  }
  const { method } = line;
  if (body !== NO_BODY && (method === 'GET' || method === 'HEAD' || method === 'TRACE')) {
    return refuse(400, `a ${method} request with a body`);
  }
  if (line.authorityStart >= 0) {
    if (facts.host === null) return refuse(400, 'an absolute request target without a Host header');
    const { authorityStart, authorityEnd, defaultPort } = line;
    if (!sameAuthority(buffer, authorityStart, authorityEnd, facts.hostStart, facts.hostEnd, defaultPort)) {
      return refuse(400, 'the request target names another host than the Host header');
    }
  }
  return body;
}

/**
 * The offset of the LF ending the line that starts at `from`, if it is within the limit and follows a CR; else
 * NO_LINE_END (wait for more), TOO_LARGE or BARE_LF.
 */
function nextLineEnd(buffer: Buffer, from: number, limit: number): number {
  // A loop rather than indexOf: lines are short, and a call into Node's binding costs more than scanning one.
  const end = Math.min(buffer.length, limit);
  let lf = from;
  while (lf < end && buffer[lf] !== LF) lf++;
  if (lf === end) return buffer.length >= limit ? TOO_LARGE : NO_LINE_END;
  return lf > from && buffer[lf - 1] === CR ? lf : BARE_LF;
}

function lineEndProblem(outcome: number, limits: HeadLimits): RequestHeadResult {
  if (outcome === NO_LINE_END) return INCOMPLETE;
  if (outcome === TOO_LARGE) return refuse(431, `the request head is larger than ${limits.maxHeadBytes} bytes`);
  return refuse(400, 'a line ends in a bare LF');
}

/** `HTTP/` digit `.` digit at `at`. */
function isHttpVersion(buffer: Buffer, at: number): boolean {
  for (let k = 0; k < HTTP_SLASH.length; k++) if (buffer[at + k] !== HTTP_SLASH.charCodeAt(k)) return false;
  return isDigit(buffer[at + 5]!) && buffer[at + 6] === DOT && isDigit(buffer[at + 7]!);
}

/** The end of `http` or `https` (any case) when the target starts with it and `://`, else -1. */
function absoluteFormSchemeEnd(buffer: Buffer, start: number, end: number): number {
  if (end - start < 7 || !bytesEqualIgnoringCase(buffer, start, start + 4, 'http')) return -1;
  const schemeEnd = lowerByte(buffer[start + 4]!) === 0x73 ? start + 5 : start + 4;
  const slashes = schemeEnd + 3 <= end && buffer[schemeEnd] === COLON && buffer[schemeEnd + 1] === SLASH;
  return slashes && buffer[schemeEnd + 2] === SLASH ? schemeEnd : -1;
}

/**
 * Node's parser refuses HTAB after a Content-Length or Transfer-Encoding value (it takes only SP there), though RFC
 * 9110 allows it: two parsers must never read framing differently, so weir refuses it too.
 */
const FRAMING_TAB = 'HTAB after a Content-Length or Transfer-Encoding value';
function holdsTab(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buffer[i] === HTAB) return true;
  return false;
}

/** Node's parser ends an absolute-form authority at `/` or `?` only: a `#` there is refused as a host byte. */
const endsAuthority = (byte: number): boolean => byte === SLASH || byte === QUESTION;

/** The decimal number in bytes [start, end), or -1 when they are not all digits or the number passes 2^53 - 1. */
function decimal(buffer: Buffer, start: number, end: number): number {
  if (start === end) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const byte = buffer[i]!;
    if (!isDigit(byte)) return -1;
    value = value * 10 + (byte - 0x30);
    if (value > Number.MAX_SAFE_INTEGER) return -1;
  }
  return value;
}

/**
 * A Transfer-Encoding other than `chunked` alone: 501 when it is a list of codings that ends in one chunked (weir
 * relays chunked only), 400 when chunked is not last or comes twice (RFC 9112 §6.3: the length cannot be known).
 */
function transferCodingProblem(value: string): RefusedHead {
  // Split on commas, without the optional whitespace (SP and HTAB only) around each coding.
  const codings = value.toLowerCase().split(/[ \t]*,[ \t]*/);
  const last = codings.pop()!;
  const chunkedElsewhere = codings.includes('chunked');
  if (last !== 'chunked' || chunkedElsewhere) {
    return refuse(400, 'Transfer-Encoding does not end in one chunked coding');
  }
  return refuse(501, 'a transfer coding other than chunked');
}
