/**
 * The headers a request carries to a member: hop-by-hop headers removed, the client's claims about where it comes
 * from believed only from a trusted proxy, and weir's own observation added last, after the removals, so that
 * `Connection: x-forwarded-for` cannot take it away. The rightmost X-Forwarded-For entry and Forwarded element are
 * always what weir saw; members take the rightmost hop they do not trust themselves.
 *
 * A request's fields come as a list of names and values (`fieldsOf` makes one of Node's `rawHeaders`); what goes to
 * the member is in `rawHeaders` form (name, value, name, value...), as `http.request` and undici accept it:
 * duplicates and the client's spelling survive. Values are read only where a rule needs them: a fast-path field
 * makes its value a string only then.
 */
import { unmappedAddressText } from '../../network/address-words.ts';
import { clientCertificateHeaderKeys } from '../tls/client-certificate-headers.ts';
import type { NamedValue } from './head-field.ts';
import { FORBIDDEN_VALUE_CHAR, hasCgiHeaderPrefix, isHeaderName, TOKEN } from './header-syntax.ts';

export type Scheme = 'http' | 'https';

/** What a listener's `insert_headers` asks for, with the per-listener parts of the values computed once. */
export interface ListenerForwarding {
  readonly xForwardedFor: boolean;
  /** The X-Forwarded-Port value, or null when not asked for. */
  readonly xForwardedPort: string | null;
  /** The X-Forwarded-Proto value, or null when not asked for. */
  readonly xForwardedProto: Scheme | null;
  readonly forwarded: boolean;
  readonly scheme: Scheme;
  /** The Forwarded `by` value: the VIP and port the client reached. */
  readonly by: string;
  /** The X-SSL-* keys asked for (TERMINATED_HTTPS), or null; clients' own X-SSL-* headers are then removed. */
  readonly clientCertificate: readonly string[] | null;
  /**
   * A Cookie field's value as the member gets it (a cookie only weir reads taken out): the new value, '' to leave the
   * field out, null to send it as it came; null for none.
   */
  readonly cookieRewrite: ((value: string) => string | null) | null;
}

export interface ListenerForwardingOptions {
  /** Octavia's `insert_headers`: a key is on when its value is "true" in any case; `Forwarded` is weir's own key. */
  insertHeaders: Readonly<Record<string, string>>;
  vipAddress: string;
  vipPort: number;
  /** https for TERMINATED_HTTPS listeners, http for HTTP ones. */
  scheme: Scheme;
}

/** Whether an `insert_headers` key is on: Octavia takes "true" in any case. */
export const insertHeaderOn = (insertHeaders: Readonly<Record<string, string>>, key: string): boolean =>
  insertHeaders[key]?.toLowerCase() === 'true';

export function listenerForwarding(options: ListenerForwardingOptions): ListenerForwarding {
  const on = (key: string) => insertHeaderOn(options.insertHeaders, key);
  const certificateKeys = clientCertificateHeaderKeys(on);
  return Object.freeze({
    xForwardedFor: on('X-Forwarded-For'),
    xForwardedPort: on('X-Forwarded-Port') ? String(options.vipPort) : null,
    xForwardedProto: on('X-Forwarded-Proto') ? options.scheme : null,
    forwarded: on('Forwarded'),
    scheme: options.scheme,
    by: forwardedValue(nodeName(unmappedAddressText(options.vipAddress) ?? options.vipAddress), options.vipPort)!,
    clientCertificate: certificateKeys.length > 0 ? certificateKeys : null,
    cookieRewrite: null,
  });
}

export interface ForwardedRequest {
  fields: readonly NamedValue[];
  /** The socket's `remoteAddress`. */
  peerAddress: string;
  /** The socket's `remotePort`, written into Forwarded `for` when given. */
  peerPort?: number | undefined;
  /** The request's Host, for Forwarded `host`; left out when absent or unwritable. */
  host: string | undefined;
  /** Whether the peer is one of the config's trusted_proxies (`AddressSet.has(peerAddress)`). */
  peerTrusted: boolean;
  /** The request is being passed on as a WebSocket upgrade: Upgrade is kept and `Connection: Upgrade` sent. */
  webSocketUpgrade: boolean;
  /** The X-SSL-* headers of the client's connection (name, value, ...), when the listener asks for them. */
  clientCertificate?: readonly string[] | undefined;
}

// What a header name is to this module; plain numbers, so classifying a header allocates nothing.
const OTHER = 0;
const HOP_BY_HOP = 1;
const CONNECTION = 2;
const UPGRADE = 3;
/** Never removed because Connection names it: losing either would change what the member sees as the request. */
const FRAMING = 4;
const X_FORWARDED_FOR = 5;
const X_FORWARDED_PORT = 6;
const X_FORWARDED_PROTO = 7;
const FORWARDED = 8;
/** Any other claim about the client: X-Forwarded-Host, X-Real-IP and the like. */
const CLIENT_CLAIM = 9;
const COOKIE = 10;

/** Node's `rawHeaders` (name, value, ...) as fields. */
export function fieldsOf(rawHeaders: readonly string[]): NamedValue[] {
  const fields: NamedValue[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) fields.push({ name: rawHeaders[i]!, value: rawHeaders[i + 1]! });
  return fields;
}

export function forwardingHeaders(listener: ListenerForwarding, request: ForwardedRequest): string[] {
  const { kept, added } = forwardingChanges(listener, request);
  const { fields } = request;
  const out: string[] = [];
  for (let i = 0; i < fields.length; i++) if (kept[i]) out.push(fields[i]!.name, fields[i]!.value);
  out.push(...added);
  return out;
}

/**
 * The same as what changes: for each header of the request whether it is kept, and the headers weir adds after them
 * (name, value, ...). A relay that has the request's header lines as bytes copies the kept ones unchanged.
 */
export function forwardingChanges(
  listener: ListenerForwarding,
  request: ForwardedRequest,
): { kept: boolean[]; added: string[] } {
  const { fields, peerTrusted } = request;
  const client =
    listener.xForwardedFor || listener.forwarded ? (unmappedAddressText(request.peerAddress) ?? 'unknown') : '';
  // Tokens named in Connection: those headers are for this hop only. Lower-cased; the usual values need none.
  let listed: string[] | undefined;
  let chainedFor: string | undefined;
  let chainedForwarded: string | undefined;
  for (const field of fields) {
    const kind = headerKind(field.name);
    if (kind === CONNECTION) {
      const value = field.value;
      if (isHeaderName(value, 'keep-alive') || isHeaderName(value, 'close')) continue;
      listed ??= [];
      for (const token of value.split(',')) {
        const trimmed = token.trim();
        if (trimmed !== '') listed.push(trimmed.toLowerCase());
      }
    } else if (kind === X_FORWARDED_FOR && peerTrusted && listener.xForwardedFor) {
      chainedFor = chain(chainedFor, field.value);
    } else if (kind === FORWARDED && peerTrusted && listener.forwarded) {
      chainedForwarded = chain(chainedForwarded, field.value);
    }
  }

  const kept: boolean[] = [];
  const added: string[] = [];
  const { cookieRewrite } = listener;
  for (const field of fields) {
    const name = field.name;
    const kind = headerKind(name);
    const keeps = keep(kind, name, listener, request, listed);
    const rewritten = keeps && kind === COOKIE && cookieRewrite !== null ? cookieRewrite(field.value) : null;
    // A rewritten field goes with weir's own, after the fields kept as they came.
    if (rewritten !== null && rewritten !== '') added.push(name, rewritten);
    kept.push(keeps && rewritten === null);
  }
  if (request.webSocketUpgrade) added.push('Connection', 'Upgrade');
  if (listener.xForwardedFor) added.push('X-Forwarded-For', chain(chainedFor, client));
  if (listener.xForwardedPort !== null) added.push('X-Forwarded-Port', listener.xForwardedPort);
  if (listener.xForwardedProto !== null) added.push('X-Forwarded-Proto', listener.xForwardedProto);
  if (listener.forwarded) {
    added.push('Forwarded', chain(chainedForwarded, forwardedElement(listener, request, client)));
  }
  if (request.clientCertificate !== undefined) added.push(...request.clientCertificate);
  return { kept, added };
}

function keep(
  kind: number,
  name: string,
  listener: ListenerForwarding,
  request: ForwardedRequest,
  listed: readonly string[] | undefined,
): boolean {
  switch (kind) {
    case HOP_BY_HOP:
    case CONNECTION:
      return false;
    case UPGRADE:
      return request.webSocketUpgrade;
    case FRAMING:
      return true;
    // Forwarding headers ignore Connection: a trusted proxy's chain must not be cut short by its client.
    case X_FORWARDED_FOR:
      return request.peerTrusted && !listener.xForwardedFor;
    case X_FORWARDED_PORT:
      return request.peerTrusted && listener.xForwardedPort === null;
    case X_FORWARDED_PROTO:
      return request.peerTrusted && listener.xForwardedProto === null;
    case FORWARDED:
      return request.peerTrusted && !listener.forwarded;
    case CLIENT_CLAIM:
      return request.peerTrusted;
    default:
      // Only weir speaks for the client's certificate: a client's own claims about it never reach a member.
      if (listener.clientCertificate !== null && hasCgiHeaderPrefix(name, 'x-ssl-')) return false;
      if (listed === undefined) return true;
      for (const token of listed) if (isHeaderName(name, token)) return false;
      return true;
  }
}

function headerKind(name: string): number {
  switch (name.length) {
    case 2:
      if (isHeaderName(name, 'te')) return HOP_BY_HOP;
      break;
    case 4:
      if (isHeaderName(name, 'host')) return FRAMING;
      break;
    case 6:
      if (isHeaderName(name, 'cookie')) return COOKIE;
      break;
    case 7:
      if (isHeaderName(name, 'trailer')) return HOP_BY_HOP;
      if (isHeaderName(name, 'upgrade')) return UPGRADE;
      break;
    case 9:
      if (isHeaderName(name, 'forwarded')) return FORWARDED;
      break;
    case 10:
      if (isHeaderName(name, 'connection')) return CONNECTION;
      if (isHeaderName(name, 'keep-alive')) return HOP_BY_HOP;
      break;
    case 14:
      if (isHeaderName(name, 'content-length')) return FRAMING;
      break;
    case 15:
      if (isHeaderName(name, 'x-forwarded-for')) return X_FORWARDED_FOR;
      break;
    case 16:
      if (isHeaderName(name, 'proxy-connection')) return HOP_BY_HOP;
      if (isHeaderName(name, 'x-forwarded-port')) return X_FORWARDED_PORT;
      break;
    case 17:
      // Members get the body framed by weir's own connection to them, never the client's framing.
      if (isHeaderName(name, 'transfer-encoding')) return HOP_BY_HOP;
      if (isHeaderName(name, 'x-forwarded-proto')) return X_FORWARDED_PROTO;
      break;
  }
  const claim =
    hasCgiHeaderPrefix(name, 'x-forwarded-') || (name.length === 9 && hasCgiHeaderPrefix(name, 'x-real-ip'));
  return claim ? CLIENT_CLAIM : OTHER;
}

/** A comma-separated list with `value` appended; empty lines of the incoming list add nothing. */
function chain(list: string | undefined, value: string): string {
  if (value === '') return list ?? '';
  return list === undefined || list === '' ? value : `${list}, ${value}`;
}

function forwardedElement(listener: ListenerForwarding, request: ForwardedRequest, client: string): string {
  // An address or `unknown`: always writable.
  const forValue = forwardedValue(nodeName(client), request.peerPort)!;
  const host = request.host === undefined || request.host === '' ? undefined : forwardedValue(request.host);
  const hostPair = host === undefined ? '' : `;host=${host}`;
  return `for=${forValue};proto=${listener.scheme}${hostPair};by=${listener.by}`;
}

/** RFC 7239 node names put IPv6 addresses in brackets. */
const nodeName = (address: string): string => (address.indexOf(':') >= 0 ? `[${address}]` : address);

/**
 * An RFC 7239 value: a token as it is, anything else as a quoted-string (a port's colon and IPv6 brackets need it);
 * undefined for control characters, which no quoted-string can carry.
 */
function forwardedValue(text: string, port?: number): string | undefined {
  const value = port === undefined ? text : `${text}:${port}`;
  if (TOKEN.test(value)) return value;
  if (FORBIDDEN_VALUE_CHAR.test(value)) return undefined;
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
