/**
 * Node's own HTTP/1 parser (llhttp, as `node:_http_common` exposes it) driven in response mode in-process, as Node's
 * http client drives it: no socket, so property tests can ask it about thousands of responses a second. The object
 * is internal to Node and untyped, hence the narrow interface below; it exists in Node 18 to 22.
 */
import { createRequire } from 'node:module';

interface HttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(bytes: Buffer): number | (Error & { code: string; reason: string; bytesParsed: number });
  finish(): undefined | (Error & { code: string });
  [callback: number]: unknown;
}

interface HttpParserClass {
  new (): HttpParser;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
  kOnTimeout: number;
  kLenientNone: number;
}

const { HTTPParser } = createRequire(import.meta.url)('node:_http_common') as { HTTPParser: HttpParserClass };

/** What llhttp made of the bytes fed so far. */
export interface LlhttpState {
  /** Its error code (HPE_…) once it refused the bytes. */
  readonly error: string | null;
  /** Set when the head was complete: the status and llhttp's own keep-alive verdict. */
  readonly head: { readonly status: number; readonly keepAlive: boolean } | null;
  readonly complete: boolean;
}

/** One response's parse; `feed` may be called several times, as bytes arrive. */
export class LlhttpResponse implements LlhttpState {
  error: string | null = null;
  head: { status: number; keepAlive: boolean } | null = null;
  complete = false;
  private readonly parser = new HTTPParser();

  constructor(method: string, maxHeaderSize = 0) {
    const { parser } = this;
    parser[HTTPParser.kOnHeaders] = () => {};
    parser[HTTPParser.kOnBody] = () => {};
    parser[HTTPParser.kOnExecute] = () => {};
    parser[HTTPParser.kOnTimeout] = () => {};
    parser[HTTPParser.kOnHeadersComplete] = (
      _major: number,
      _minor: number,
      _headers: unknown,
      _method: unknown,
      _url: unknown,
      status: number,
      _reason: unknown,
      _upgrade: boolean,
      keepAlive: boolean,
    ) => {
      this.head = { status, keepAlive };
      // As Node's client answers: 2 makes the rest another protocol, 1 skips the body.
      if (method === 'CONNECT' && status >= 200 && status < 300) return 2;
      if (method === 'HEAD' || (status >= 100 && status < 200 && status !== 101)) return 1;
      return 0;
    };
    parser[HTTPParser.kOnMessageComplete] = () => {
      this.complete = true;
    };
    parser.initialize(HTTPParser.RESPONSE, {}, maxHeaderSize, HTTPParser.kLenientNone);
  }

  /** Feeds bytes; stops taking them once the message is complete or refused. */
  feed(bytes: Buffer): this {
    if (this.error !== null || bytes.length === 0) return this;
    const result = this.parser.execute(bytes);
    if (typeof result !== 'number') this.error = result.code;
    return this;
  }

  /** The connection closed: completes a body that runs until then. */
  finish(): this {
    if (this.error !== null) return this;
    const result = this.parser.finish();
    if (result !== undefined) this.error = result.code;
    return this;
  }
}
