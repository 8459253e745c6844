import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { parseResponseHead } from '../../../protocols/http/response-head.ts';
import { answerFieldLines } from './head-cookies.ts';
import type { Stickiness } from './stickiness.ts';

/** As the fast path reads answer heads. */
const HEAD_LIMITS = { maxHeadBytes: 16 * 1024, maxHeaders: 2000 };

/**
 * Relays a member's answer to an upgrade request (WebSocket's 101, or a refusal) to the client, then the rest of the
 * connection. With persistence the answer gets the Set-Cookie field other answers get; interim 1xx heads before it
 * pass unchanged, and what cannot be read as a response head is relayed as it came, as without persistence.
 */
export function relayUpgradeAnswer(
  member: Socket,
  client: Socket,
  request: IncomingMessage,
  memberId: string,
  stickiness: Stickiness | null,
): void {
  if (stickiness === null) return void member.pipe(client);
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
      const lines =
        parsed.kind === 'head' ? answerFieldLines(stickiness, memberId, cookies, method, parsed.head) : null;
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
  member.on('data', onData);
}
