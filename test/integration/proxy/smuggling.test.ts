/**
 * The smuggling vectors sent through the proxy itself: every one is answered 400, once, and no smuggled request
 * ever reaches the member. A request whose body breaks off may have reached the member as far as its head; its body
 * never completes there.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { vectors } from '../../support/smuggling-vectors.ts';
import { Harness, type Json } from '../api/harness.ts';

describe('smuggling vectors through the proxy reach no member', () => {
  let h: Harness;
  let lb: Json;
  const completed: string[] = [];
  const member = createServer(async (request, response) => {
    try {
      for await (const _chunk of request);
      completed.push(`${request.method} ${request.url}`);
      response.end('ok');
    } catch {
      response.destroy();
    }
  });

  before(async () => {
    member.listen(0, '127.0.0.65');
    await once(member, 'listening');
    h = await Harness.start();
    lb = await h.createLb({ provider: 'proxy' });
    const listener = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 8500 });
    const pool = await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    await h.createMember(lb.id, pool.id, {
      address: '127.0.0.65',
      protocol_port: (member.address() as { port: number }).port,
    });
  });
  after(async () => {
    await h.close();
    member.closeAllConnections();
    member.close();
  });

  for (const [name, bytes, refusedBy] of vectors) {
    test(`${name} (refused by the ${refusedBy})`, async () => {
      completed.length = 0;
      const socket = connect({ host: lb.vip_address, port: 8500 });
      socket.setEncoding('latin1');
      let response = '';
      socket.on('data', (data: string) => {
        response += data;
      });
      socket.on('error', () => {});
      socket.write(bytes, 'latin1');
      await Promise.race([once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, 3_000))]);
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(response, /^HTTP\/1\.1 400 /, `${refusedBy}: ${JSON.stringify(response)}`);
      assert.equal(response.split('HTTP/1.1 ').length - 1 <= 1, true, 'at most one response');
      assert.deepEqual(completed, [], 'no request completed at the member');
    });
  }
});
