/**
 * Checks on a parsed request that Node's parser does not make, so that weir and a member can never disagree about
 * where a request ends or whom it is for. Node 20 (never with `insecureHTTPParser`) already refuses CL+TE, duplicate
 * and listed Content-Length, obfuscated Transfer-Encoding, obs-fold, bare LF, bad chunk sizes and control characters;
 * it lets through HTTP/0.9 and HTTP/2.0 request lines, duplicate Host, HTTP/1.0 with a chunked body, an absolute-form
 * target naming another host, `Transfer-Encoding: gzip, chunked` and GET with a body. Those are refused here, and the
 * parser's checks are repeated where it costs little, in case it is ever made lenient.
 *
 * GET, HEAD and TRACE with a body are refused, although HAProxy and nginx forward them when they are framed
 * correctly: the body has no meaning there (RFC 9110 §9.3.1), and a member that ignores it reads it as the next
 * request on a connection weir shares among clients. Clients that send a search body (Elasticsearch) accept POST.
 */
import { FORBIDDEN_VALUE_CHAR, isHeaderName, TOKEN } from './header-syntax.ts';

export interface GuardedRequest {
  readonly method?: string | undefined;
  readonly httpVersion: string;
  readonly url?: string | undefined;
  readonly rawHeaders: readonly string[];
}

/** A host or IP literal with an optional port; no comma, so no list a later hop could split differently. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+;=]*)(?::[0-9]*)?$/;
const DIGITS = /^[0-9]+$/;
const ZERO = /^0+$/;
const ABSOLUTE_FORM = /^(https?):\/\/([^/?#]*)/i;

/**
 * Why the request must be answered 400 and its connection closed, or null when it may go on. `http2`: a stream of
 * an HTTP/2 connection, whose framing nghttp2 checked already.
 */
export function requestProblem(request: GuardedRequest, http2 = false): string | null {
  const { httpVersion, rawHeaders } = request;
  const accepted = http2 ? httpVersion === '2.0' : httpVersion === '1.1' || httpVersion === '1.0';
  if (!accepted) return `HTTP/${httpVersion} is not accepted`;
  let host: string | undefined;
  let contentLength: string | undefined;
  let transferEncoding: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    if (!TOKEN.test(name)) return 'a header name is not a token';
    if (FORBIDDEN_VALUE_CHAR.test(value)) return `the ${name} header holds a control character`;
    if (isHeaderName(name, 'host')) {
      if (host !== undefined) return 'more than one Host header';
      host = value;
    } else if (isHeaderName(name, 'content-length')) {
      if (contentLength !== undefined) return 'more than one Content-Length header';
      contentLength = value;
    } else if (isHeaderName(name, 'transfer-encoding')) {
      if (transferEncoding !== undefined) return 'more than one Transfer-Encoding header';
      transferEncoding = value;
    }
  }
  if (host !== undefined && !HOST.test(host)) return 'the Host header is not a host and port';
  if (transferEncoding !== undefined) {
    // RFC 9112 §6.1: an HTTP/1.0 recipient may not know chunked, so its framing is faulty.
    if (httpVersion === '1.0') return 'Transfer-Encoding in an HTTP/1.0 request';
    if (!isHeaderName(transferEncoding, 'chunked')) return 'a Transfer-Encoding other than chunked';
    if (contentLength !== undefined) return 'both Content-Length and Transfer-Encoding';
  }
  if (contentLength !== undefined && !DIGITS.test(contentLength)) return 'Content-Length is not a number';
  const hasBody = transferEncoding !== undefined || (contentLength !== undefined && !ZERO.test(contentLength));
  const { method } = request;
  if (hasBody && (method === 'GET' || method === 'HEAD' || method === 'TRACE'))
    return `a ${method} request with a body`;
  return targetProblem(method, request.url ?? '', host);
}

/** Origin-form, `*` for OPTIONS, or absolute-form naming the same authority as Host. */
function targetProblem(method: string | undefined, url: string, host: string | undefined): string | null {
  if (url.charCodeAt(0) === 0x2f) return null;
  if (url === '*') return method === 'OPTIONS' ? null : `* is a target for OPTIONS only, not ${method}`;
  const absolute = ABSOLUTE_FORM.exec(url);
  if (absolute === null) return 'the request target is neither a path nor an http(s) URL';
  const scheme = absolute[1]!;
  const authority = absolute[2]!;
  if (!HOST.test(authority)) return 'the request target has user information or an invalid host';
  if (host === undefined) return 'an absolute request target without a Host header';
  const defaultPort = scheme.toLowerCase() === 'https' ? ':443' : ':80';
  if (comparableAuthority(authority, defaultPort) !== comparableAuthority(host, defaultPort)) {
    return 'the request target names another host than the Host header';
  }
  return null;
}

/** Lower case, with the default port and an empty port (RFC 3986 §6.2.3) left out. */
function comparableAuthority(authority: string, defaultPort: string): string {
  const lower = authority.toLowerCase();
  if (lower.endsWith(defaultPort)) return lower.slice(0, -defaultPort.length);
  return lower.endsWith(':') ? lower.slice(0, -1) : lower;
}
