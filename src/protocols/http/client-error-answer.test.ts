import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { answerClientError } from './client-error-answer.ts';

/** A server left to Node's default handling, and one answering with answerClientError, recording what it sent. */
let byNode: Server;
let byWeir: Server;
const sent: (number | null)[] = [];

/** Answers once the request's body is read, but `/streaming` starts its answer before that. */
const respond = (request: IncomingMessage, response: ServerResponse) => {
  if (request.url === '/streaming') response.write('part');
  request.on('end', () => response.end('ok')).resume();
};

before(async () => {
  byNode = createServer(respond);
  byWeir = createServer(respond);
  byWeir.on('clientError', (error, socket) => sent.push(answerClientError(error, socket)));
  byNode.listen(0, '127.0.0.1');
  byWeir.listen(0, '127.0.0.1');
  await Promise.all([once(byNode, 'listening'), once(byWeir, 'listening')]);
});

after(() => {
  byNode.close();
  byWeir.close();
});

/** All `server` sends back for `bytes`, until it closes the connection. */
async function exchange(server: Server, bytes: string): Promise<string> {
  const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(bytes);
  let text = '';
  for await (const chunk of socket) text += chunk;
  return text;
}

const CASES: [string, string, number | null][] = [
  ['a request line Node cannot read', 'GET / HTTP/1.1\r\nhost: x\r\nbad field\r\n\r\n', 400],
  ['a head over 16 KiB', `GET / HTTP/1.1\r\nhost: x\r\nx: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 431],
  [
    'chunk extensions over 16 KiB',
    `POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n1;${'e'.repeat(17 * 1024)}\r\n`,
    413,
  ],
  [
    'a broken chunked body, the response started',
    'POST /streaming HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
    null,
  ],
];

for (const [what, bytes, status] of CASES) {
  test(`${what}: answered byte for byte as Node answers it`, async () => {
    const before = sent.length;
    const [node, weir] = await Promise.all([exchange(byNode, bytes), exchange(byWeir, bytes)]);
    assert.equal(weir, node);
    assert.deepEqual(sent.slice(before), [status]);
    if (status !== null) assert.match(weir, new RegExp(`^HTTP/1\\.1 ${status} `));
  });
}
