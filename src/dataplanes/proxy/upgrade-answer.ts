import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { parseResponseHead } from '../../protocols/http/response-head.ts';
import { countResponse } from '../http-responses.ts';
import { HEAD_LIMITS } from './member-exchange-rules.ts';
import { answerFieldLines } from './persistence/head-cookies.ts';
import type { Stickiness } from './persistence/stickiness.ts';

/** Counted in the `other` class, as HAProxy's hrsp_other counts answers that are a protocol error. */
const NO_STATUS = 0;

/**
 * Relays a member's answer to an upgrade request (WebSocket's 101, or a refusal) to the client, then the rest of the
 * connection, and counts it by status class in `responses`. With persistence the answer gets the Set-Cookie field
 * other answers get; interim 1xx heads before it pass unchanged and uncounted, and what cannot be read as a response
 * head is relayed as it came (and counted as `other`).
 */
export function relayUpgradeAnswer(
  member: Socket,
  client: Socket,
  request: IncomingMessage,
  memberId: string,
  stickiness: Stickiness | null,
  responses: number[],
): void {
  const cookies = request.headers.cookie;
  const method = request.method!;
  let buffered: Buffer | null = null;
  let offset = 0;
  const onData = (chunk: Buffer) => {
    buffered = buffered === null ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      const parsed = parseResponseHead(buffered, offset, HEAD_LIMITS, { method });
      if (parsed.kind === 'incomplete') return;
      if (parsed.kind === 'head' && parsed.head.informational) {
        offset = parsed.head.end;
        continue;
      }
      member.removeListener('data', onData);
      member.removeListener('end', onEnd);
      countResponse(responses, parsed.kind === 'head' ? parsed.head.status : NO_STATUS);
      const lines =
        parsed.kind === 'head' && stickiness !== null
          ? answerFieldLines(stickiness, memberId, cookies, method, parsed.head)
          : null;
      if (lines === null || parsed.kind !== 'head') client.write(buffered);
      else {
        // The fields go before the empty line that ends the head.
        const blankLine = parsed.head.end - 2;
        client.cork();
        client.write(buffered.subarray(0, blankLine));
        client.write(lines, 'latin1');
        client.write(buffered.subarray(blankLine));
        client.uncork();
      }
      member.pipe(client);
      return;
    }
  };
  // A member that ends before a whole head: what it sent goes on as it came, as an answer to nothing.
  const onEnd = () => {
    if (buffered !== null) client.write(buffered);
    client.end();
  };
  member.on('data', onData);
  member.once('end', onEnd);
}
