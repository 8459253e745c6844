/**
 * Node's own request parser (llhttp, strict: never insecureHTTPParser), driven in-process as Node's http server
 * drives it, so that a property test can compare weir's head parser with it on thousands of heads a second. The
 * bytes are fed one at a time up to the end of the head: that tells where Node's parser ends the head, and no body
 * byte is parsed, so an error is always about the head.
 */
import { createRequire } from 'node:module';

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  close(): void;
  [callback: number]: unknown;
}

interface HttpCommon {
  HTTPParser: {
    new (): LlhttpParser;
    REQUEST: number;
    kLenientNone: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
    kOnExecute: number;
  };
  methods: string[];
}

// node:_http_common is the module Node's http server takes its parser from; it has no type declarations.
const { HTTPParser, methods } = createRequire(import.meta.url)('node:_http_common') as HttpCommon;

export interface NodeRequestHead {
  method: string;
  url: string;
  /** `major.minor`, as IncomingMessage.httpVersion. */
  httpVersion: string;
  /** Names as sent, values as Node trims them, alternating, as IncomingMessage.rawHeaders. */
  rawHeaders: string[];
  upgrade: boolean;
  shouldKeepAlive: boolean;
  /** Offset just after the last byte of the head. */
  end: number;
}

export type NodeParse =
  | { kind: 'head'; head: NodeRequestHead }
  | { kind: 'refused'; code: string; reason: string }
  | { kind: 'incomplete' };

/** Node's verdict on the request head at the start of `bytes`. */
export function parseWithNode(bytes: Buffer): NodeParse {
  const parser = new HTTPParser();
  // A size limit far above any head the tests build: only the syntax is compared.
  parser.initialize(HTTPParser.REQUEST, {}, 1 << 24, HTTPParser.kLenientNone);
  const rawHeaders: string[] = [];
  let urlSoFar = '';
  let head: Omit<NodeRequestHead, 'end'> | null = null;
  // More than 32 fields arrive in batches before the head is complete.
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    rawHeaders.push(...headers);
    urlSoFar += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    major: number,
    minor: number,
    headers: string[] | undefined,
    method: number,
    url: string,
    _status: unknown,
    _message: unknown,
    upgrade: boolean,
    shouldKeepAlive: boolean,
  ) => {
    if (headers !== undefined) rawHeaders.push(...headers);
    head = {
      method: methods[method]!,
      url: url || urlSoFar,
      httpVersion: `${major}.${minor}`,
      rawHeaders,
      upgrade,
      shouldKeepAlive,
    };
    return 0;
  };
  for (const callback of [HTTPParser.kOnBody, HTTPParser.kOnMessageComplete, HTTPParser.kOnExecute]) {
    parser[callback] = () => {};
  }
  try {
    for (let at = 0; at < bytes.length; at++) {
      const outcome = parser.execute(bytes.subarray(at, at + 1));
      if (outcome instanceof Error) {
        const { code, reason } = outcome as Error & { code: string; reason: string };
        return { kind: 'refused', code, reason };
      }
      if (head !== null) return { kind: 'head', head: { ...(head as Omit<NodeRequestHead, 'end'>), end: at + 1 } };
    }
    return { kind: 'incomplete' };
  } finally {
    parser.close();
  }
}
