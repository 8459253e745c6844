import { STATUS_CODES } from 'node:http';
import { INVALID_URL_CHAR } from './redirect-url.ts';

/** Octavia's default for redirect_http_code, and HAProxy's for `redirect`. */
const DEFAULT_REDIRECT_CODE = 302;
const FORBIDDEN_BODY = 'Forbidden by the load balancer\n';

/**
 * A request answered by the load balancer itself, as the amphora's HAProxy answers it: a REJECT is 403 and ends the
 * connection (`http-request deny`); a redirect is an empty answer with a Location and keeps the connection when it
 * can (no request body left unread, the client keeps its connection).
 */
export class L7Answer {
  readonly body: string;

  private constructor(
    readonly status: number,
    readonly location: string | null,
    /** The connection ends after this answer, whatever the request. */
    readonly closes: boolean,
  ) {
    this.body = status === 403 ? FORBIDDEN_BODY : '';
  }

  /** A REJECT: the request is denied, not redirected. */
  get denies(): boolean {
    return this.location === null;
  }

  static reject(): L7Answer {
    return new L7Answer(403, null, true);
  }

  /** A redirect to `location`; throws when it holds a character Octavia refuses, as stored data might. */
  static redirect(location: string, code: number | null): L7Answer {
    return L7Answer.prefixRedirect(location, code)('');
  }

  /**
   * Redirects to `prefix` followed by each request's path and query, which its parser already checked; the prefix
   * is checked here, once, and refused as `redirect` refuses a location.
   */
  static prefixRedirect(prefix: string, code: number | null): (pathAndQuery: string) => L7Answer {
    if (INVALID_URL_CHAR.test(prefix)) {
      throw new Error(`the redirect to ${JSON.stringify(prefix)} holds a control character or a space`);
    }
    const status = code ?? DEFAULT_REDIRECT_CODE;
    return (pathAndQuery) => new L7Answer(status, prefix + pathAndQuery, false);
  }

  /** The answer's header fields (lower case names), without Connection. */
  fields(): Record<string, string | number> {
    const fields: Record<string, string | number> = { 'content-length': Buffer.byteLength(this.body) };
    if (this.location !== null) fields.location = this.location;
    if (this.body.length > 0) fields['content-type'] = 'text/plain; charset=utf-8';
    return fields;
  }

  /** The whole answer as HTTP/1.1 bytes; with `close`, it says the connection ends. */
  wire(close: boolean): string {
    let head = `HTTP/1.1 ${this.status} ${STATUS_CODES[this.status]}\r\n`;
    for (const [name, value] of Object.entries(this.fields())) head += `${name}: ${value}\r\n`;
    if (close) head += 'connection: close\r\n';
    return `${head}\r\n${this.body}`;
  }
}
