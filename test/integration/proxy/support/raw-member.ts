import { once } from 'node:events';
import { createServer, type Server } from 'node:net';

/** A member that answers each request head it reads with `answer(head, body)`, and counts its connections. */
export async function rawMember(
  address: string,
  answer: (head: string, body: string) => string | Buffer,
): Promise<{ server: Server; port: number; connections: () => number; heads: string[] }> {
  let connections = 0;
  const heads: string[] = [];
  const server = createServer((socket) => {
    connections++;
    socket.on('error', () => {});
    let pending = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.slice(0, end + 4);
        let body: string;
        if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
          // Chunks as the general path writes them: size, data, and a last chunk without trailers.
          const last = pending.indexOf('\r\n0\r\n\r\n', end);
          if (last < 0) return;
          body = pending.slice(end + 4, last).replace(/(^|\r\n)[0-9a-f]+\r\n/gi, '');
          pending = pending.slice(last + 7);
        } else {
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (pending.length < end + 4 + length) return;
          body = pending.slice(end + 4, end + 4 + length);
          pending = pending.slice(end + 4 + length);
        }
        heads.push(head);
        const reply = answer(head, body);
        socket.write(reply);
        // A close-delimited answer ends when the member closes.
        if (/connection: close\r\n\r\n/.test(reply.toString('latin1', 0, 200))) socket.end();
      }
    });
  });
  server.listen(0, address);
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port, connections: () => connections, heads };
}
