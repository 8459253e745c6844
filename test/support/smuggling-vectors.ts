/**
 * Request-smuggling vectors, each with who refuses it: Node's parser before any handler runs, weir's request guard,
 * or the parser in the body (after a well-formed head). Shared by the framing test of the guard and the same
 * vectors sent through the proxy itself.
 */
export const HOST = 'Host: app.example\r\n';
/** What a misframing would deliver as a request of its own. */
export const SMUGGLED = `GET /smuggled HTTP/1.1\r\n${HOST}\r\n`;
/** SMUGGLED as one chunk of a chunked body. */
export const CHUNKED_SMUGGLED = `${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`;
export const post = (...headers: string[]) =>
  `POST / HTTP/1.1\r\n${HOST}${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
const chunkedPost = (body: string) => `${post('Transfer-Encoding: chunked')}${body}`;

/**
 * Who refuses each vector: Node's parser before any handler runs, the guard in the handler, or the parser in the
 * body, after the handler has a well-formed head (it streams the body on, and the body ends in an error).
 */
export type RefusedBy = 'parser' | 'guard' | 'parser in the body';

export const vectors: [string, string, RefusedBy][] = [
  ['CL.TE', `${post('Content-Length: 6', 'Transfer-Encoding: chunked')}0\r\n\r\n${SMUGGLED}`, 'parser'],
  ['TE.CL', `${post('Transfer-Encoding: chunked', 'Content-Length: 3')}0\r\n\r\n${SMUGGLED}`, 'parser'],
  ['duplicate differing Content-Length', `${post('Content-Length: 0', 'Content-Length: 45')}${SMUGGLED}`, 'parser'],
  ['duplicate equal Content-Length', `${post('Content-Length: 45', 'Content-Length: 45')}${SMUGGLED}`, 'parser'],
  ['listed Content-Length', `${post('Content-Length: 45, 45')}${SMUGGLED}`, 'parser'],
  ['signed Content-Length', `${post('Content-Length: +45')}${SMUGGLED}`, 'parser'],
  ['negative Content-Length', `${post('Content-Length: -1')}${SMUGGLED}`, 'parser'],
  ['TE: xchunked', `${post('Transfer-Encoding: xchunked', 'Content-Length: 0')}${CHUNKED_SMUGGLED}`, 'parser'],
  ['TE: chunked, identity', `${post('Transfer-Encoding: chunked, identity')}${CHUNKED_SMUGGLED}`, 'parser'],
  ['TE with a space before the colon', `${post('Transfer-Encoding : chunked')}${CHUNKED_SMUGGLED}`, 'parser'],
  ['TE quoted', `${post('Transfer-Encoding: "chunked"')}${CHUNKED_SMUGGLED}`, 'guard'],
  ['TE twice', `${post('Transfer-Encoding: chunked', 'Transfer-Encoding: x')}${CHUNKED_SMUGGLED}`, 'parser'],
  ['TE folded onto another line', `${post('Transfer-Encoding: x', ' chunked')}${CHUNKED_SMUGGLED}`, 'parser'],
  ['TE as a continuation line', `${post('X-A: b', ' Transfer-Encoding: chunked')}${CHUNKED_SMUGGLED}`, 'parser'],
  ['TE: gzip, chunked', `${post('Transfer-Encoding: gzip, chunked')}${CHUNKED_SMUGGLED}`, 'guard'],
  ['obs-fold in an ordinary header', `GET / HTTP/1.1\r\n${HOST}X-A: a\r\n b\r\n\r\n`, 'parser'],
  ['bare LF line endings', `GET / HTTP/1.1\nHost: app.example\n\n${SMUGGLED}`, 'parser'],
  ['bare LF after a header', `GET / HTTP/1.1\r\nHost: app.example\nX-A: b\r\n\r\n`, 'parser'],
  [
    'chunk size overflowing 64 bits',
    chunkedPost(`1${'0'.repeat(16)}2d\r\n${SMUGGLED}\r\n0\r\n\r\n`),
    'parser in the body',
  ],
  ['negative chunk size', chunkedPost(`-2d\r\n${SMUGGLED}\r\n0\r\n\r\n`), 'parser in the body'],
  ['0x chunk size', chunkedPost(`0x2d\r\n${SMUGGLED}\r\n0\r\n\r\n`), 'parser in the body'],
  ['chunk size with a space', chunkedPost(`2d \r\n${SMUGGLED}\r\n0\r\n\r\n`), 'parser in the body'],
  ['chunk size ended by bare LF', chunkedPost(`2d\n${SMUGGLED}\r\n0\r\n\r\n`), 'parser in the body'],
  ['chunk data longer than its size', chunkedPost(`2\r\n${SMUGGLED}\r\n0\r\n\r\n`), 'parser in the body'],
  ['NUL in a chunk extension', chunkedPost(`2d;a\0b\r\n${SMUGGLED}\r\n0\r\n\r\n`), 'parser in the body'],
  ['NUL in a header value', `GET / HTTP/1.1\r\n${HOST}X-A: a\0b\r\n\r\n`, 'parser'],
  ['CR in a header value', `GET / HTTP/1.1\r\n${HOST}X-A: a\rb\r\n\r\n`, 'parser'],
  ['LF in a header value', `GET / HTTP/1.1\r\n${HOST}X-A: a\nTransfer-Encoding: chunked\r\n\r\n`, 'parser'],
  ['a space in a header name', `GET / HTTP/1.1\r\n${HOST}X A: b\r\n\r\n`, 'parser'],
  ['no Host in HTTP/1.1', 'GET / HTTP/1.1\r\n\r\n', 'parser'],
  ['duplicate Host', `GET / HTTP/1.1\r\n${HOST}Host: internal.example\r\n\r\n`, 'guard'],
  ['Host listing two hosts', 'GET / HTTP/1.1\r\nHost: app.example, internal.example\r\n\r\n', 'guard'],
  [
    'HTTP/1.0 with a chunked body',
    `POST / HTTP/1.0\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n${CHUNKED_SMUGGLED}`,
    'guard',
  ],
  ['absolute-form naming another host', `GET http://internal.example/ HTTP/1.1\r\n${HOST}\r\n`, 'guard'],
  ['GET with a body', `GET / HTTP/1.1\r\n${HOST}Content-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`, 'guard'],
  ['an HTTP/0.9 request line', 'GET /\r\n\r\n', 'guard'],
  ['HTTP/2.0 in an HTTP/1 request line', `GET / HTTP/2.0\r\n${HOST}\r\n`, 'guard'],
];
