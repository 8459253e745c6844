import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { emptyResponses, RESPONSE_CLASSES } from '../http-responses.ts';
import type { Stickiness } from './persistence/stickiness.ts';
import { relayUpgradeAnswer } from './upgrade-answer.ts';

const SWITCHED = 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n';

/** A stickiness that sets `cookie` on each answer and records the request cookies and Set-Cookie values it saw. */
function stickiness(cookie: string | null) {
  const seen: { cookies: string | undefined; setCookies: readonly string[] }[] = [];
  const sticky = {
    readsSetCookie: true,
    answered: (_member: string, cookies: string | undefined, setCookies: readonly string[]) => {
      seen.push({ cookies, setCookies });
      return cookie;
    },
  } as unknown as Stickiness;
  return { sticky, seen };
}

/** What the client receives when the member sends `chunks`, one at a time, then ends; `responses` counts answers. */
async function relay(
  chunks: string[],
  sticky: Stickiness | null,
  cookie?: string,
  responses = emptyResponses(),
): Promise<string> {
  const member = new PassThrough();
  const client = new PassThrough();
  const request = { method: 'GET', headers: cookie ? { cookie } : {} } as IncomingMessage;
  relayUpgradeAnswer(member as unknown as Socket, client as unknown as Socket, request, 'm1', sticky, responses);
  for (const chunk of chunks) {
    member.write(chunk);
    await new Promise(setImmediate);
  }
  member.end();
  let text = '';
  for await (const chunk of client) text += chunk;
  return text;
}

test('the Set-Cookie goes at the end of the head, whose bytes may come one at a time; the tunnel follows', async () => {
  const { sticky, seen } = stickiness('SRV=abc; path=/');
  const answer = `${SWITCHED.replace('\r\n\r\n', '\r\nset-cookie: app=1\r\n\r\n')}hello`;
  const text = await relay([...answer], sticky, 'theme=dark');
  assert.equal(
    text,
    'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nset-cookie: app=1\r\n' +
      'set-cookie: SRV=abc; path=/\r\n\r\nhello',
  );
  assert.deepEqual(seen, [{ cookies: 'theme=dark', setCookies: ['app=1'] }]);
});

test('interim heads pass unchanged; the final one gets the cookie', async () => {
  const { sticky } = stickiness('SRV=abc');
  const text = await relay([`HTTP/1.1 100 Continue\r\n\r\n${SWITCHED}`, 'data'], sticky);
  assert.equal(
    text,
    `HTTP/1.1 100 Continue\r\n\r\n${SWITCHED.replace('\r\n\r\n', '\r\nset-cookie: SRV=abc\r\n\r\n')}data`,
  );
});

test('no cookie to add, no persistence, or no response head: the bytes pass as they came', async () => {
  assert.equal(await relay([SWITCHED, 'data'], stickiness(null).sticky), `${SWITCHED}data`);
  assert.equal(await relay([SWITCHED, 'data'], null), `${SWITCHED}data`);
  const { sticky, seen } = stickiness('SRV=abc');
  assert.equal(await relay(['SSH-2.0-member\r\n\r\n', 'more'], sticky), 'SSH-2.0-member\r\n\r\nmore');
  assert.deepEqual(seen, []);
});

test('the final answer is counted by its status class, with or without persistence; interim heads are not', async () => {
  const counted = async (chunks: string[], sticky: Stickiness | null) => {
    const responses = emptyResponses();
    await relay(chunks, sticky, undefined, responses);
    return Object.fromEntries(RESPONSE_CLASSES.map((code, i) => [code, responses[i]]).filter(([, n]) => n !== 0));
  };
  assert.deepEqual(await counted([...SWITCHED, 'data'], null), { '1xx': 1 });
  assert.deepEqual(await counted([`HTTP/1.1 103 Early Hints\r\n\r\n${SWITCHED}`], null), { '1xx': 1 });
  const refusal = 'HTTP/1.1 426 Upgrade Required\r\ncontent-length: 0\r\n\r\n';
  assert.deepEqual(await counted([refusal], stickiness('SRV=abc').sticky), { '4xx': 1 });
  assert.deepEqual(await counted(['SSH-2.0-member\r\n\r\n'], null), { other: 1 });
  assert.deepEqual(await counted(['HTTP/1.1 101 Swi'], null), {}, 'a head cut short is no answer');
  assert.equal(await relay(['HTTP/1.1 101 Swi'], null), 'HTTP/1.1 101 Swi', 'and is relayed as it came');
});
