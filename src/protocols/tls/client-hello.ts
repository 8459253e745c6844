/**
 * Reads the server name (SNI) and the offered ALPN protocols from the ClientHello a TLS client sends first, without
 * terminating TLS: a passthrough listener peeks at the bytes received so far, then relays them unchanged.
 *
 * Called again with more bytes until it answers something other than `need-more`. An answer other than `need-more`
 * never changes when more bytes arrive, and `need-more` is only answered while fewer than CLIENT_HELLO_MAX_BYTES are
 * in. Work is linear in the bytes looked at, at most CLIENT_HELLO_MAX_BYTES; no input makes it throw. A caller that
 * calls again as bytes arrive passes a ClientHelloProgress, so that each call starts after the records already
 * walked: a hello trickled in tiny records would otherwise cost the walk of all of them on every chunk.
 *
 * RFC 8446 §4.1.2 and RFC 5246 §7.4.1.2 (ClientHello), RFC 6066 §3 (server_name), RFC 7301 (ALPN).
 */

export type ClientHelloResult =
  | { status: 'need-more' }
  | { status: 'not-tls' }
  | { status: 'malformed'; reason: string }
  | { status: 'ok'; serverName: string | null; alpn: string[] };

type Malformed = Extract<ClientHelloResult, { status: 'malformed' }>;

/**
 * The most bytes readClientHello ever needs, record headers included; a caller that has buffered this many and still
 * gets need-more gives up (it never does: the hello is refused as malformed first). Real hellos take 0.2 to 2 KiB;
 * large session tickets and post-quantum key shares stay well under this.
 */
export const CLIENT_HELLO_MAX_BYTES = 65536;

const CONTENT_TYPE_HANDSHAKE = 22;
const RECORD_VERSION_MAJOR = 3;
const RECORD_HEADER_LENGTH = 5;
const MAX_FRAGMENT_LENGTH = 16384;
const HANDSHAKE_HEADER_LENGTH = 4;
const HANDSHAKE_CLIENT_HELLO = 1;
const RANDOM_LENGTH = 32;
const MAX_SESSION_ID_LENGTH = 32;
/** legacy_version, random, an empty session id, one cipher suite and one compression method, each with its length. */
const MIN_CLIENT_HELLO_BODY_LENGTH = 2 + RANDOM_LENGTH + 1 + 2 + 2 + 1 + 1;
const EXTENSION_SERVER_NAME = 0;
const EXTENSION_ALPN = 16;
const NAME_TYPE_HOST_NAME = 0;

const NEED_MORE: ClientHelloResult = Object.freeze({ status: 'need-more' });
const NOT_TLS: ClientHelloResult = Object.freeze({ status: 'not-tls' });

const malformed = (reason: string): Malformed => ({ status: 'malformed', reason });

const tooLong = () => malformed(`the ClientHello does not end within ${CLIENT_HELLO_MAX_BYTES} bytes`);

/** The answer when byte `position` has not arrived yet: wait for it, unless it lies beyond the cap. */
const missing = (position: number): ClientHelloResult => (position < CLIENT_HELLO_MAX_BYTES ? NEED_MORE : tooLong());

/** Reading past the end gives 0 instead of throwing; every caller has checked the bounds first anyway. */
const uint16 = (bytes: Buffer, at: number): number => (bytes[at]! << 8) | bytes[at + 1]!;

const hex = (byte: number): string => `0x${byte.toString(16).padStart(2, '0')}`;

/**
 * How far readClientHello got in a hello still arriving: the records it walked whole, and what they held of the
 * handshake header. Valid only for longer copies of the same bytes.
 */
export interface ClientHelloProgress {
  recordAt: number;
  /** Handshake bytes in those records, header included. */
  messageSeen: number;
  bodyLength: number;
}

export const startOfClientHello = (): ClientHelloProgress => ({ recordAt: 0, messageSeen: 0, bodyLength: 0 });

/** Keeps, for the next call, that the records before `recordAt` were walked and what they held. */
function remember(
  progress: ClientHelloProgress | undefined,
  recordAt: number,
  messageSeen: number,
  bodyLength: number,
) {
  if (progress === undefined) return;
  progress.recordAt = recordAt;
  progress.messageSeen = messageSeen;
  progress.bodyLength = bodyLength;
}

/**
 * The ClientHello's body (after the 4-byte handshake header), once all of it has arrived: a view of `bytes` when it
 * came in one record, else a copy joined from the records' fragments. Or why there is none (yet).
 */
function clientHelloBody(bytes: Buffer, progress: ClientHelloProgress | undefined): Buffer | ClientHelloResult {
  let recordAt = progress?.recordAt ?? 0;
  let messageSeen = progress?.messageSeen ?? 0; // handshake bytes read so far, header included
  let bodyLength = progress?.bodyLength ?? 0;
  for (;;) {
    // The record header and at least one fragment byte must fit under the cap.
    if (recordAt + RECORD_HEADER_LENGTH >= CLIENT_HELLO_MAX_BYTES) return tooLong();
    if (bytes.length <= recordAt) return NEED_MORE;
    const contentType = bytes[recordAt]!;
    if (contentType !== CONTENT_TYPE_HANDSHAKE)
      return recordAt === 0
        ? NOT_TLS
        : malformed(`record at offset ${recordAt} has content type ${contentType}, not handshake (22)`);
    if (bytes.length <= recordAt + 1) return NEED_MORE;
    // Only the major version: the record version is to be ignored otherwise (RFC 8446 §5.1), 3.0 to 3.4 are seen.
    const versionMajor = bytes[recordAt + 1]!;
    if (versionMajor !== RECORD_VERSION_MAJOR)
      return recordAt === 0
        ? NOT_TLS
        : malformed(`record at offset ${recordAt} has version major ${versionMajor}, not ${RECORD_VERSION_MAJOR}`);
    if (bytes.length < recordAt + RECORD_HEADER_LENGTH) return NEED_MORE;
    const fragmentLength = uint16(bytes, recordAt + 3);
    // Zero-length handshake fragments are forbidden (RFC 5246 §6.2.1, RFC 8446 §5.1).
    if (fragmentLength === 0) return malformed(`empty handshake record at offset ${recordAt}`);
    if (fragmentLength > MAX_FRAGMENT_LENGTH)
      return malformed(`record at offset ${recordAt} of ${fragmentLength} bytes, more than ${MAX_FRAGMENT_LENGTH}`);
    const fragmentEnd = recordAt + RECORD_HEADER_LENGTH + fragmentLength;
    let at = recordAt + RECORD_HEADER_LENGTH;

    // The 4-byte handshake header may itself be split over records.
    for (; messageSeen < HANDSHAKE_HEADER_LENGTH && at < fragmentEnd; messageSeen++, at++) {
      if (bytes.length <= at) return missing(at);
      const byte = bytes[at]!;
      if (messageSeen === 0) {
        if (byte !== HANDSHAKE_CLIENT_HELLO) return malformed(`handshake message type ${byte}, not ClientHello (1)`);
      } else {
        bodyLength = (bodyLength << 8) | byte;
      }
    }
    if (messageSeen < HANDSHAKE_HEADER_LENGTH) {
      recordAt = fragmentEnd;
      remember(progress, recordAt, messageSeen, bodyLength);
      continue;
    }
    if (bodyLength < MIN_CLIENT_HELLO_BODY_LENGTH)
      return malformed(`ClientHello of ${bodyLength} bytes, shorter than the ${MIN_CLIENT_HELLO_BODY_LENGTH} minimum`);

    const messageLeft = HANDSHAKE_HEADER_LENGTH + bodyLength - messageSeen;
    const leftAfterFragment = messageLeft - (fragmentEnd - at);
    if (leftAfterFragment > 0) {
      // Refused as soon as the message cannot end under the cap even in full-size records.
      const earliestEnd =
        fragmentEnd + leftAfterFragment + RECORD_HEADER_LENGTH * Math.ceil(leftAfterFragment / MAX_FRAGMENT_LENGTH);
      if (earliestEnd > CLIENT_HELLO_MAX_BYTES) return tooLong();
      messageSeen += fragmentEnd - at;
      recordAt = fragmentEnd;
      remember(progress, recordAt, messageSeen, bodyLength);
      continue;
    }
    const messageEnd = at + messageLeft;
    if (messageEnd > CLIENT_HELLO_MAX_BYTES) return tooLong();
    if (bytes.length < messageEnd) return NEED_MORE;
    // Whatever follows the ClientHello, in its last record or after, is not looked at.
    if (recordAt === 0) return bytes.subarray(messageEnd - bodyLength, messageEnd);
    return joinFragments(bytes, HANDSHAKE_HEADER_LENGTH + bodyLength).subarray(HANDSHAKE_HEADER_LENGTH);
  }
}

/** Copies the first `messageLength` handshake bytes out of records clientHelloBody has already checked. */
function joinFragments(bytes: Buffer, messageLength: number): Buffer {
  const message = Buffer.allocUnsafe(messageLength);
  let filled = 0;
  for (let recordAt = 0; filled < messageLength; ) {
    const fragmentLength = uint16(bytes, recordAt + 3);
    const take = Math.min(fragmentLength, messageLength - filled);
    const fragmentStart = recordAt + RECORD_HEADER_LENGTH;
    bytes.copy(message, filled, fragmentStart, fragmentStart + take);
    filled += take;
    recordAt = fragmentStart + fragmentLength;
  }
  return message;
}

/** The first host_name of a server_name extension's value in [start, end), null if it has none. */
function readServerName(bytes: Buffer, start: number, end: number): string | null | Malformed {
  if (end - start < 2) return malformed('server_name extension too short for its list length');
  const listLength = uint16(bytes, start);
  let at = start + 2;
  if (listLength === 0) return malformed('empty server name list');
  if (listLength !== end - at) return malformed('server name list length does not match its extension');
  let name: string | null = null;
  while (at < end) {
    if (end - at < 3) return malformed('server name entry runs past the end of its list');
    const nameType = bytes[at]!;
    const nameLength = uint16(bytes, at + 1);
    at += 3;
    if (nameLength > end - at) return malformed('server name runs past the end of its list');
    if (nameType === NAME_TYPE_HOST_NAME && name === null) {
      const hostName = readHostName(bytes, at, at + nameLength);
      if (typeof hostName !== 'string') return hostName;
      name = hostName;
    }
    at += nameLength;
  }
  return name;
}

/**
 * A host name as weir uses it: lower-cased, without the trailing dot some clients send. Only visible ASCII
 * (0x21-0x7e) is accepted: the name goes into a PROXY header and logs, and the RFC asks for ASCII without a dot.
 */
function readHostName(bytes: Buffer, start: number, end: number): string | Malformed {
  const last = end > start && bytes[end - 1] === 0x2e ? end - 1 : end;
  if (last === start) return malformed('empty host name');
  let hasUpper = false;
  for (let i = start; i < last; i++) {
    const byte = bytes[i]!;
    if (byte <= 0x20 || byte >= 0x7f) return malformed(`host name with byte ${hex(byte)}`);
    if (byte >= 0x41 && byte <= 0x5a) hasUpper = true;
  }
  const name = bytes.toString('latin1', start, last);
  return hasUpper ? name.toLowerCase() : name;
}

/**
 * A server name OpenSSL read from a ClientHello (each byte one latin1 character, as Node gives it), as readClientHello
 * gives it: lower-cased, without a trailing dot; null for none, or for one readClientHello refuses.
 */
export function serverNameAsRead(name: string | false | undefined): string | null {
  if (!name) return null;
  const bytes = Buffer.from(name, 'latin1');
  const read = readHostName(bytes, 0, bytes.length);
  return typeof read === 'string' ? read : null;
}

/** The protocol names of an ALPN extension's value in [start, end), in the client's order. */
function readAlpn(bytes: Buffer, start: number, end: number): string[] | Malformed {
  if (end - start < 2) return malformed('ALPN extension too short for its list length');
  const listLength = uint16(bytes, start);
  let at = start + 2;
  if (listLength < 2) return malformed(`ALPN protocol list of ${listLength} bytes`);
  if (listLength !== end - at) return malformed('ALPN protocol list length does not match its extension');
  const protocols: string[] = [];
  while (at < end) {
    const nameLength = bytes[at]!;
    at++;
    if (nameLength === 0) return malformed('empty ALPN protocol name');
    if (nameLength > end - at) return malformed('ALPN protocol name runs past the end of its list');
    protocols.push(bytes.toString('latin1', at, at + nameLength));
    at += nameLength;
  }
  return protocols;
}

/** The extensions block in [start, end), its length already checked to fill the body exactly. */
function readExtensions(bytes: Buffer, start: number, end: number): ClientHelloResult {
  let serverName: string | null = null;
  let alpn: string[] = [];
  // A set, not a scan of earlier headers: a 64 KiB hello can carry 16k empty extensions.
  const seen = new Set<number>();
  for (let at = start; at < end; ) {
    if (end - at < 4) return malformed(`${end - at} stray bytes where an extension should start`);
    const type = uint16(bytes, at);
    const length = uint16(bytes, at + 2);
    at += 4;
    if (length > end - at) return malformed(`extension ${type} runs past the end of the extensions`);
    if (seen.has(type)) return malformed(`extension ${type} appears twice`);
    seen.add(type);
    if (type === EXTENSION_SERVER_NAME) {
      const name = readServerName(bytes, at, at + length);
      if (name !== null && typeof name === 'object') return name;
      serverName = name;
    } else if (type === EXTENSION_ALPN) {
      const protocols = readAlpn(bytes, at, at + length);
      if (!Array.isArray(protocols)) return protocols;
      alpn = protocols;
    }
    at += length;
  }
  return { status: 'ok', serverName, alpn };
}

/** The ClientHello body in [start, end), at least MIN_CLIENT_HELLO_BODY_LENGTH bytes. */
function readBody(bytes: Buffer, start: number, end: number): ClientHelloResult {
  let at = start + 2 + RANDOM_LENGTH;
  const sessionIdLength = bytes[at]!;
  at++;
  if (sessionIdLength > MAX_SESSION_ID_LENGTH) return malformed(`session id of ${sessionIdLength} bytes`);
  at += sessionIdLength;
  if (end - at < 2) return malformed('session id runs past the end of the ClientHello');
  const suitesLength = uint16(bytes, at);
  at += 2;
  if (suitesLength < 2 || suitesLength % 2 !== 0) return malformed(`cipher suites of ${suitesLength} bytes`);
  if (suitesLength > end - at) return malformed('cipher suites run past the end of the ClientHello');
  at += suitesLength;
  if (end - at < 1) return malformed('no compression methods');
  const compressionLength = bytes[at]!;
  at++;
  if (compressionLength === 0) return malformed('empty compression methods');
  if (compressionLength > end - at) return malformed('compression methods run past the end of the ClientHello');
  at += compressionLength;
  // Hellos from before extensions end here.
  if (at === end) return { status: 'ok', serverName: null, alpn: [] };
  if (end - at < 2) return malformed('1 stray byte after the compression methods');
  const extensionsLength = uint16(bytes, at);
  at += 2;
  if (extensionsLength > end - at) return malformed('extensions run past the end of the ClientHello');
  if (extensionsLength < end - at) return malformed(`${end - at - extensionsLength} stray bytes after the extensions`);
  return readExtensions(bytes, at, end);
}

/**
 * Reads the ClientHello at the start of `bytes` (everything the client sent so far), from where `progress` says an
 * earlier call on fewer of these bytes got to, and records how far this one got.
 */
export function readClientHello(bytes: Uint8Array, progress?: ClientHelloProgress): ClientHelloResult {
  // A view, not a copy, for Buffer's latin1 decoding and copy.
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = clientHelloBody(buffer, progress);
  return Buffer.isBuffer(body) ? readBody(body, 0, body.length) : body;
}
